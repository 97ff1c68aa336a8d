using Akka.Configuration;

namespace Hub.Core.Tests.TestKit;

/// <summary>ActorSystem configuration for specs: quiet logs, and expectation timeouts generous enough for a busy CI box.</summary>
internal static class HubTestConfig
{
    public static readonly Config Default = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.stdout-loglevel = WARNING
        akka.test.single-expect-default = 5s
        """);
}
