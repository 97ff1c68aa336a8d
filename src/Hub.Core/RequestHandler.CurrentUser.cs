namespace Hub;

public abstract partial class RequestHandler
{
    private string? _currentUser;

    /// <summary>
    /// Who makes this request, or null for nobody (Tornado's <c>get_current_user</c>): typically a signed cookie,
    /// <c>GetSignedCookie("user")</c>, or a token header. Hub calls it at most once per request, before
    /// <see cref="PrepareAsync"/>, and only for handler types that override it; the result is
    /// <see cref="CurrentUser"/>. On a <see cref="WebSocketHandler"/> it runs before the upgrade, and the user stays
    /// the socket's for its lifetime.
    /// </summary>
    public virtual Task<string?> GetCurrentUserAsync() => Task.FromResult<string?>(null);

    /// <summary>
    /// The user <see cref="GetCurrentUserAsync"/> returned for this request (Tornado's <c>current_user</c>), or null.
    /// A handler that has just logged someone in may set it, so the rest of the request (the access log, templates)
    /// sees the new user.
    /// </summary>
    public string? CurrentUser
    {
        get => _currentUser;
        protected set
        {
            if (this is WebSocketHandler { IsUpgraded: true })
                throw new InvalidOperationException("a WebSocket's user is fixed once the socket is open");
            _currentUser = value;
            Context.User = value;
        }
    }

    /// <summary>Runs <see cref="GetCurrentUserAsync"/> once and keeps its answer.</summary>
    internal async Task ResolveCurrentUserAsync() => CurrentUser = await GetCurrentUserAsync().ConfigureAwait(true);
}
