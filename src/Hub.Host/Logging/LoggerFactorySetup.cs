using Akka.Actor.Setup;
using Microsoft.Extensions.Logging;

namespace Hub.Host.Logging;

/// <summary>
/// Hands the host's <see cref="ILoggerFactory"/> to <see cref="MelLogger"/>: Akka creates loggers by type name from
/// akka.loggers, so the factory travels in the ActorSystem's setup rather than through a constructor.
/// </summary>
public sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}
