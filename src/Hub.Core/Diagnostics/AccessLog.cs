using Akka.Actor;
using Akka.Event;

namespace Hub.Diagnostics;

/// <summary>
/// hub.http.access-log: one Info line per request under the log source <c>Hub.AccessLog</c> — method, path, status,
/// response body bytes, duration in ms, client address, the current user ("-" for none, as in the common log
/// format) — written through Akka's logging, so it goes wherever the
/// ActorSystem's loggers send it (the host bridges it to Microsoft.Extensions.Logging). The template is a named
/// one: structured loggers get each field as a property.
/// </summary>
internal sealed class AccessLog
{
    public const string LogSource = "Hub.AccessLog";

    private const string Template = "{Method} {Path} {Status} {Bytes} {DurationMs} {Remote} {User}";

    private readonly ILoggingAdapter _log;

    private AccessLog(ILoggingAdapter log) => _log = log;

    /// <summary>The access log of <paramref name="system"/>, or null when it is off.</summary>
    public static AccessLog? For(ActorSystem system, bool enabled) =>
        enabled ? new AccessLog(Logging.GetLogger(system, LogSource)) : null;

    public void Write(HttpRequest request, string? user, int status, long bytes, long startTimestamp)
    {
        // Skipped before any formatting when Akka's level is above Info.
        if (!_log.IsInfoEnabled) return;
        var ms = Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, 3);
        _log.Info(Template, [request.Method, request.Head.RawPath, status, bytes, ms, request.RemoteIp, user ?? "-"]);
    }
}
