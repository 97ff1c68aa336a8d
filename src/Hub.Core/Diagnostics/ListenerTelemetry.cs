namespace Hub.Diagnostics;

/// <summary>
/// What one listener's connections need to report: the <c>server.port</c> tag every measurement carries (so the
/// series of two servers in one process stay apart), and the access log when it is on. Built once per listener when
/// it binds, shared by all its connections and their stages.
/// </summary>
internal sealed class ListenerTelemetry
{
    public ListenerTelemetry(int port, AccessLog? accessLog)
    {
        ServerPort = HubMetrics.ServerPort(port);
        AccessLog = accessLog;
    }

    /// <summary>For stages built outside a listener (unit tests): port 0, no access log.</summary>
    public static readonly ListenerTelemetry Unbound = new(0, null);

    public KeyValuePair<string, object?> ServerPort { get; }

    public AccessLog? AccessLog { get; }
}
