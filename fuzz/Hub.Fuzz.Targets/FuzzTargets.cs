namespace Hub.Fuzz;

/// <summary>
/// Every fuzz target by name (the name is also its corpus folder, fuzz/corpus/NAME). A target returns normally for
/// any input the code under test accepts or rejects the documented way, and throws otherwise: an unexpected
/// exception from Hub.Core, or a <see cref="FuzzInvariantException"/> when a checked invariant breaks.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["http-head"] = HttpRequestTarget.Run,
        ["http-body"] = HttpBodyTarget.Run,
        ["websocket"] = WebSocketTarget.Run,
        ["utf8"] = Utf8Target.Run,
        ["route"] = RouteTarget.Run,
        ["hocon"] = HoconTarget.Run,
    };
}
