namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// The multi-process cluster tests run one at a time and never next to other test classes: each starts three Hub.Host
/// processes, and on a small machine parallel load delays heartbeats enough to make a healthy node look unreachable.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostClusterCollection
{
    public const string Name = "Hub.Host cluster processes";
}
