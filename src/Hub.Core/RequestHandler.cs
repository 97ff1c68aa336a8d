using Akka.Actor;
using Akka.Event;
using Hub.Configuration;
using Hub.Handlers;
using Hub.Routing;

namespace Hub;

/// <summary>
/// Base class for HTTP handlers, one instance per request (Tornado's <c>RequestHandler</c>). Override the verbs you
/// serve; the others answer 405 with an <c>Allow</c> header, HEAD is served by <see cref="GetAsync"/> without the
/// body, and OPTIONS answers 204 with <c>Allow</c>. Hooks run one at a time on the connection's actor, so handler
/// code never races itself; awaiting inside them blocks nothing else.
/// <code>
/// public sealed class MainHandler : RequestHandler
/// {
///     public override Task GetAsync() { Write("Hello, world"); return Task.CompletedTask; }
/// }
/// </code>
/// </summary>
public abstract partial class RequestHandler
{
    private HandlerContext? _context;

    internal HandlerContext Context => _context ?? throw new InvalidOperationException("the handler is not attached to a request yet");

    internal void Attach(HandlerContext context)
    {
        _context = context;
        ResetResponse();
    }

    /// <summary>The request being served.</summary>
    public HttpRequest Request => Context.Request;

    /// <summary>What the route captured from the path.</summary>
    public RouteValues RouteValues => Context.RouteValues;

    /// <summary>The application this handler belongs to (for <see cref="Hub.Application.ReverseUrl"/>).</summary>
    public Application Application => Context.Application;

    /// <summary>The server's settings.</summary>
    public HubSettings Settings => Context.Settings;

    /// <summary>Cancelled when the client closes the connection (or it fails); pass it to whatever you await.</summary>
    public CancellationToken ConnectionClosed => Context.Signals.Closed;

    /// <summary>
    /// Cancelled when the server begins a graceful stop. Handlers that hold a response open (event streams, long
    /// polls) end on it, so the drain does not wait for them until drain-timeout.
    /// </summary>
    public CancellationToken ServerStopping => Context.ServerStopping;

    /// <summary>Identifies the connection in logs and metrics.</summary>
    public string ConnectionId => Context.ConnectionId;

    /// <summary>The connection's actor: tell it <see cref="Messages.CloseConnection"/>, or hand it to other actors.</summary>
    public IActorRef ConnectionRef => Context.Self;

    /// <summary>Broadcast to WebSocket rooms (REST → sockets).</summary>
    public IRooms Rooms => Context.Rooms;

    /// <summary>Akka's logger for this connection.</summary>
    protected ILoggingAdapter Log => Context.Log;

    // ---- hooks (Tornado names, .NET casing) ----

    /// <summary>Runs before the verb method (for streaming handlers: before the first body chunk). Finishing the
    /// response here skips the verb.</summary>
    public virtual Task PrepareAsync() => Task.CompletedTask;

    public virtual Task GetAsync() => throw new HttpError(405);
    public virtual Task PostAsync() => throw new HttpError(405);
    public virtual Task PutAsync() => throw new HttpError(405);
    public virtual Task PatchAsync() => throw new HttpError(405);
    public virtual Task DeleteAsync() => throw new HttpError(405);

    /// <summary>Default: 204 with <c>Allow</c> listing the verbs this handler implements.</summary>
    public virtual Task OptionsAsync()
    {
        SetStatus(204);
        SetHeader("Allow", string.Join(", ", HandlerMethods.Of(GetType()).Allowed));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Called with each slice of the request body, as it arrives, when the handler class carries
    /// <see cref="StreamRequestBodyAttribute"/> (Tornado's stream_request_body / data_received). The next slice is
    /// not read from the socket until the returned task completes: that is the upload's back-pressure.
    /// </summary>
    public virtual Task DataReceivedAsync(ReadOnlyMemory<byte> chunk) => Task.CompletedTask;

    /// <summary>Called after the response has been handed to the connection (for logging, cleanup).</summary>
    public virtual void OnFinish() { }

    /// <summary>Called if the client closes the connection while this request is still being handled.</summary>
    public virtual void OnConnectionClose() { }

    /// <summary>
    /// Writes the body of an error response. Default: a short HTML page "404: Not Found". Never shows exception
    /// details unless hub.http.verbose-error-messages (type and message) or hub.debug (the whole exception with its
    /// stack trace; a template error's template and line) is on.
    /// </summary>
    public virtual void WriteError(int status, Exception? exception = null)
    {
        var reason = status == Status ? Reason : Http.Codec.ReasonPhrases.For(status);
        SetHeader("Content-Type", "text/html; charset=UTF-8");
        var shown = exception is null or HttpError ? null
            : Settings.Debug ? exception.ToString()
            : Settings.Http.VerboseErrorMessages ? exception.GetType().Name + ": " + exception.Message
            : null;
        var detail = shown is null ? "" : $"<pre>{System.Net.WebUtility.HtmlEncode(shown)}</pre>";
        Write($"<html><title>{status}: {reason}</title><body>{status}: {reason}{detail}</body></html>");
    }
}

/// <summary>
/// Marks a handler whose request body is delivered in slices to <see cref="RequestHandler.DataReceivedAsync"/>
/// instead of being buffered (Tornado's <c>@stream_request_body</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StreamRequestBodyAttribute : Attribute;
