namespace Hub.Host.DemoApp;

/// <summary>What the demo routes need from the command line.</summary>
public sealed record DemoOptions
{
    /// <summary>Where GET /proxy fetches from; null makes /proxy answer 503.</summary>
    public Uri? ProxyUpstream { get; init; }
}
