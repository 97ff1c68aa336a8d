namespace Hub;

/// <summary>
/// The handler (on the class) or one verb (on its method, e.g. <c>GetAsync</c>) needs a user (Tornado's
/// <c>@tornado.web.authenticated</c>). Checked before <see cref="RequestHandler.PrepareAsync"/>, once
/// <see cref="RequestHandler.GetCurrentUserAsync"/> has run: without a user, GET and HEAD are redirected (302) to
/// hub.security.login-url with <c>?next=</c> the request's path and query when a login URL is set; anything else,
/// and every WebSocket upgrade, is refused with 403 (before the upgrade).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true)]
public sealed class AuthenticatedAttribute : Attribute;
