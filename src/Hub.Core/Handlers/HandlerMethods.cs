using System.Collections.Concurrent;
using System.Reflection;

namespace Hub.Handlers;

/// <summary>
/// Which verbs a handler type implements (the methods it overrides), computed once per type: it drives the 405
/// answer and its Allow header, whether the body is streamed, whether the type resolves a current user (overrides
/// GetCurrentUserAsync: handlers that do not pay nothing) and which verbs need one ([Authenticated]).
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
    private readonly HashSet<string> _authenticated = new(StringComparer.Ordinal);

    private HandlerMethods(Type type)
    {
        _implemented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (verb, method) in Verbs)
        {
            var m = type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            if (m is not null && m.DeclaringType != typeof(RequestHandler)) _implemented.Add(verb);
            if (m?.GetCustomAttribute<AuthenticatedAttribute>(inherit: true) is not null) _authenticated.Add(verb);
        }
        AuthenticatesAll = type.GetCustomAttribute<AuthenticatedAttribute>(inherit: true) is not null;
        var resolver = type.GetMethod(nameof(RequestHandler.GetCurrentUserAsync), BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        ResolvesUser = resolver is not null && resolver.DeclaringType != typeof(RequestHandler);
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

    /// <summary>The type overrides GetCurrentUserAsync, so it is called before PrepareAsync.</summary>
    public bool ResolvesUser { get; }

    /// <summary>[Authenticated] is on the class: every verb needs a user.</summary>
    private bool AuthenticatesAll { get; }

    /// <summary>Whether <paramref name="method"/> needs a user: [Authenticated] on the class or on its verb method.</summary>
    public bool RequiresUser(string method) => AuthenticatesAll || _authenticated.Contains(method == "HEAD" ? "GET" : method);

    public bool Implements(string method) => method switch
    {
        "HEAD" => _implemented.Contains("GET"),
        "OPTIONS" => true,
        _ => _implemented.Contains(method),
    };

    public static HandlerMethods Of(Type type) => Cache.GetOrAdd(type, static t => new HandlerMethods(t));
}
