namespace Hub.Testing;

/// <summary>How <see cref="HubTestServer.StartAsync"/> starts the server. Every property has a test-friendly default.</summary>
public sealed class HubTestServerOptions
{
    private readonly List<string> _hocon = [];

    /// <summary>The HOCON blocks added with <see cref="Configure"/>, later ones winning.</summary>
    public IReadOnlyList<string> Hocon => _hocon;

    /// <summary>
    /// Adds HOCON over the test defaults (loopback, port 0, quiet logs), e.g.
    /// <c>o.Configure("hub.security.cookie-secrets = [\"test\"]")</c>; later calls win over earlier ones.
    /// </summary>
    public HubTestServerOptions Configure(string hocon)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        _hocon.Add(hocon);
        return this;
    }

    /// <summary>
    /// The bound on the graceful stop at dispose (CoordinatedShutdown: drain, then the ActorSystem's termination);
    /// past it the ActorSystem is terminated at once. Default: 10 s.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <see cref="HubTestServer.Client"/>'s timeout per request. Default: 30 s.</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Name of the server's ActorSystem. Default: "hub-test-" and a random suffix.</summary>
    public string? SystemName { get; set; }
}
