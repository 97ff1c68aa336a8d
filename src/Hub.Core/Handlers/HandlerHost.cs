using Akka.Event;
using Hub.Buffers;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Handlers;

/// <summary>
/// Runs one request's handler hooks in Tornado's order and turns every failure into a response: HttpError → its
/// status, any other exception → 500 (logged with the connection id), a failure after headers left → the
/// connection is closed so the client sees a truncated response. Lives inside the connection actor.
/// </summary>
internal sealed class HandlerHost
{
    private readonly RequestHandler _handler;
    private readonly HandlerContext _ctx;
    private readonly HandlerMethods _methods;
    private PooledBufferWriter? _body;
    private bool _closeNotified;
    private bool _completed;
    private bool _clientGone;
    private readonly CancellationTokenRegistration _closedRegistration;

    public HandlerHost(RequestHandler handler, HandlerContext ctx)
    {
        _handler = handler;
        _ctx = ctx;
        _methods = HandlerMethods.Of(handler.GetType());
        handler.Attach(ctx);
        // "Client gone" is posted to the actor's context: it runs between the handler's awaits, on the actor, like
        // Tornado calling on_connection_close on its IOLoop.
        var context = SynchronizationContext.Current;
        _closedRegistration = context is null
            ? default
            : ctx.Signals.Closed.Register(static state =>
            {
                var (host, c) = ((HandlerHost, SynchronizationContext))state!;
                c.Post(static h => ((HandlerHost)h!).NotifyConnectionClosed(), host);
            }, (this, context));
    }

    public HandlerContext Context => _ctx;

    /// <summary>The response went out already (error, redirect in prepare …): remaining body bytes are discarded.</summary>
    public bool ResponseDone => _ctx.ResponseComplete;

    private bool Streams => _methods.StreamsBody;

    /// <summary>The head arrived. For a bodiless request this runs the whole handler.</summary>
    public async Task OnHeadAsync(HttpRequest request, bool bodyFollows)
    {
        var method = request.Method;
        // RFC 6455 §4.1: an upgrade is a GET; any other method asking to upgrade is a bad request, not a 405.
        if (_handler is WebSocketHandler && request.Head.IsUpgrade && !ReferenceEquals(method, KnownMethods.Get))
        {
            if (bodyFollows && request.Head.ExpectContinue) _ctx.CloseAfterResponse = true;
            _handler.SendError(400);
            await CompleteAsync().ConfigureAwait(true);
            return;
        }
        if (!_methods.Implements(method))
        {
            // The body may never come after a refused 100-continue, so such a connection is not reused.
            if (bodyFollows && request.Head.ExpectContinue) _ctx.CloseAfterResponse = true;
            _handler.SendError(405);
            await CompleteAsync().ConfigureAwait(true);
            return;
        }
        if (!await AuthorizeAsync(request, bodyFollows).ConfigureAwait(true)) return;
        if (!bodyFollows)
        {
            await RunAsync(prepare: true).ConfigureAwait(true);
            return;
        }
        if (Streams)
        {
            // Tornado order: prepare sees the head first, so it can refuse (auth, quota) before the upload starts.
            // A response from prepare goes to a client never told to continue, which may not send the body: such a
            // connection cannot be reused, so it is marked for closing while prepare runs.
            var closeBefore = _ctx.CloseAfterResponse;
            if (request.Head.ExpectContinue) _ctx.CloseAfterResponse = true;
            await HookAsync(_handler.PrepareAsync).ConfigureAwait(true);
            if (_handler.IsFinished || ResponseDone)
            {
                await CompleteAsync().ConfigureAwait(true);
                return;
            }
            _ctx.CloseAfterResponse = closeBefore;
        }
        if (request.Head.ExpectContinue) _ctx.Bridge.Tell(new Server.ConnectionProtocol.Outbound(
            HttpOutbound.Continue.Instance, null, false, false), _ctx.Self);
    }

    /// <summary>A slice of body: handed to a streaming handler, else buffered (bounded by max-request-body-size).</summary>
    public async Task OnBodyAsync(Akka.IO.ByteString data)
    {
        if (ResponseDone) return;
        if (Streams)
        {
            var bytes = data.ToArray();
            await HookAsync(() => _handler.DataReceivedAsync(bytes)).ConfigureAwait(true);
            if (_handler.IsFinished || ResponseDone) await CompleteAsync().ConfigureAwait(true);
            return;
        }
        _body ??= new PooledBufferWriter((int)Math.Min(Math.Max(_ctx.Request.Head.ContentLength, 256), 64 * 1024));
        var span = _body.GetSpan(data.Count);
        data.CopyTo(ref span, 0, data.Count);
        _body.Advance(data.Count);
    }

    /// <summary>The body is complete: run the verb (after prepare, for buffered handlers).</summary>
    public async Task OnEndAsync()
    {
        if (ResponseDone) return;
        if (_body is not null)
        {
            _ctx.Request.Body = _body.WrittenSpan.ToArray();
            _body.Dispose();
            _body = null;
        }
        await RunAsync(prepare: !Streams).ConfigureAwait(true);
    }

    /// <summary>The client went away mid-request: Tornado's on_connection_close, once.</summary>
    public void NotifyConnectionClosed()
    {
        // A response cut short because the client left still counts as "closed mid-request".
        if (_closeNotified || (ResponseDone && !_clientGone)) return;
        _closeNotified = true;
        try { _handler.OnConnectionClose(); }
        catch (Exception e) { _ctx.Log.Error(e, "[{0}] OnConnectionClose failed", _ctx.LogTag); }
    }

    public void Dispose()
    {
        _closedRegistration.Dispose();
        _body?.Dispose();
        _body = null;
    }

    /// <summary>
    /// Resolves the current user (only for types that override GetCurrentUserAsync) and enforces [Authenticated]:
    /// no user → a redirect to hub.security.login-url for GET/HEAD when one is set, else 403. Runs before
    /// PrepareAsync and before any body is read, so a refused upload is never received and a refused WebSocket is
    /// never upgraded. False when the response has been given.
    /// </summary>
    private async Task<bool> AuthorizeAsync(HttpRequest request, bool bodyFollows)
    {
        if (_methods.ResolvesUser)
        {
            await HookAsync(_handler.ResolveCurrentUserAsync).ConfigureAwait(true);
            if (_handler.IsFinished || ResponseDone) return await RefusedAsync(request, bodyFollows).ConfigureAwait(true);
        }
        if (_handler.CurrentUser is not null || !_methods.RequiresUser(request.Method)) return true;
        var loginUrl = _ctx.Settings.Security.LoginUrl;
        if (loginUrl.Length > 0 && _handler is not WebSocketHandler && request.Method is KnownMethods.Get or KnownMethods.Head)
            _handler.Redirect(LoginRedirect.For(loginUrl, request));
        else
            _handler.SendError(403);
        return await RefusedAsync(request, bodyFollows).ConfigureAwait(true);
    }

    private async Task<bool> RefusedAsync(HttpRequest request, bool bodyFollows)
    {
        // The body may never come after a refused 100-continue, so such a connection is not reused.
        if (bodyFollows && request.Head.ExpectContinue) _ctx.CloseAfterResponse = true;
        await CompleteAsync().ConfigureAwait(true);
        return false;
    }

    private async Task RunAsync(bool prepare)
    {
        if (prepare)
        {
            await HookAsync(_handler.PrepareAsync).ConfigureAwait(true);
            if (_handler.IsFinished) { await CompleteAsync().ConfigureAwait(true); return; }
        }
        await HookAsync(CheckXsrfAndRunVerb).ConfigureAwait(true);
        if (!_handler.IsFinished && !ResponseDone)
        {
            try { _handler.Finish(); }
            catch (Exception e) { Fail(e); }
        }
        await CompleteAsync().ConfigureAwait(true);
    }

    private Task CheckXsrfAndRunVerb()
    {
        if (_ctx.Settings.Security.XsrfCookies && IsUnsafe(_ctx.Request.Method)) _handler.CheckXsrfCookie();
        return _ctx.Request.Method switch
        {
            KnownMethods.Get or KnownMethods.Head => _handler.GetAsync(),
            KnownMethods.Post => _handler.PostAsync(),
            KnownMethods.Put => _handler.PutAsync(),
            KnownMethods.Patch => _handler.PatchAsync(),
            KnownMethods.Delete => _handler.DeleteAsync(),
            KnownMethods.Options => _handler.OptionsAsync(),
            _ => throw new HttpError(405),
        };
    }

    private static bool IsUnsafe(string method) => method is KnownMethods.Post or KnownMethods.Put
        or KnownMethods.Patch or KnownMethods.Delete;

    /// <summary>Waits for queued output (a Finish behind a slow flush), then runs OnFinish.</summary>
    private async Task CompleteAsync()
    {
        if (_completed) return;
        _completed = true;
        // A WebSocket's response was the 101; its life goes on in the connection actor.
        if (_ctx.Upgraded) return;
        try { await _handler.PendingOutput.ConfigureAwait(true); }
        catch (Exception) { /* the connection is gone; nothing left to send */ }
        try { _handler.OnFinish(); }
        catch (Exception e) { _ctx.Log.Error(e, "[{0}] OnFinish failed", _ctx.LogTag); }
    }

    private async Task HookAsync(Func<Task> hook)
    {
        try
        {
            await hook().ConfigureAwait(true);
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        switch (e)
        {
            case HttpError http:
                if (http.Status >= 500) _ctx.Log.Warning("[{0}] {1} {2}: HTTP {3}: {4}", _ctx.LogTag, _ctx.Request.Method, _ctx.Request.Uri, http.Status, http.Message);
                else _ctx.Log.Debug("[{0}] {1} {2}: HTTP {3}: {4}", _ctx.LogTag, _ctx.Request.Method, _ctx.Request.Uri, http.Status, http.Message);
                _handler.SendError(http.Status, http);
                break;
            case OperationCanceledException when _ctx.ServerStopping.IsCancellationRequested && !_ctx.Signals.Closed.IsCancellationRequested:
                // The handler gave up its open response because the server is stopping: end it cleanly (the drain
                // has marked it Connection: close).
                if (!_handler.IsFinished && !_ctx.ResponseComplete) _handler.Finish();
                break;
            case ConnectionClosedException:
            case OperationCanceledException when _ctx.Signals.Closed.IsCancellationRequested:
                // The client left; there is nobody to answer.
                _clientGone = true;
                if (!_ctx.ResponseComplete) _ctx.AbortResponse();
                break;
            case Templates.TemplateException template:
                // The message names the template and line; the stack trace would only show Fluid's internals.
                _ctx.Log.Error("[{0}] {1} for {2} {3}", _ctx.LogTag, template.Message, _ctx.Request.Method, _ctx.Request.Uri);
                _handler.SendError(500, template);
                break;
            default:
                _ctx.Log.Error(e, "[{0}] unhandled exception in {1} for {2} {3} from {4}", _ctx.LogTag,
                    _handler.GetType().Name, _ctx.Request.Method, _ctx.Request.Uri, _ctx.Request.RemoteIp);
                _handler.SendError(500, e);
                break;
        }
    }
}
