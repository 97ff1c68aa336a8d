using System.Collections.Concurrent;
using System.Reflection;

namespace Hub.Handlers;

/// <summary>
/// Which verbs a handler type implements (the methods it overrides), computed once per type: it drives the 405
/// answer and its Allow header, and whether the body is streamed.
/// </summary>
internal sealed class HandlerMethods
{
    private static readonly ConcurrentDictionary<Type, HandlerMethods> Cache = new();

    private static readonly (string Verb, string Method)[] Verbs =
    [
        ("GET", nameof(RequestHandler.GetAsync)), ("POST", nameof(RequestHandler.PostAsync)),
        ("PUT", nameof(RequestHandler.PutAsync)), ("PATCH", nameof(RequestHandler.PatchAsync)),
        ("DELETE", nameof(RequestHandler.DeleteAsync)),
    ];

    private readonly HashSet<string> _implemented;

    private HandlerMethods(Type type)
    {
        _implemented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (verb, method) in Verbs)
        {
            var m = type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            if (m is not null && m.DeclaringType != typeof(RequestHandler)) _implemented.Add(verb);
        }
        var allowed = new List<string>();
        foreach (var (verb, _) in Verbs)
        {
            if (!_implemented.Contains(verb)) continue;
            allowed.Add(verb);
            if (verb == "GET") allowed.Add("HEAD");
        }
        allowed.Add("OPTIONS");
        Allowed = allowed;
        StreamsBody = type.GetCustomAttribute<StreamRequestBodyAttribute>(inherit: true) is not null;
    }

    /// <summary>The verbs to list in Allow, in a stable order.</summary>
    public IReadOnlyList<string> Allowed { get; }

    public bool StreamsBody { get; }

    public bool Implements(string method) => method switch
    {
        "HEAD" => _implemented.Contains("GET"),
        "OPTIONS" => true,
        _ => _implemented.Contains(method),
    };

    public static HandlerMethods Of(Type type) => Cache.GetOrAdd(type, static t => new HandlerMethods(t));
}
