using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Hub.Host.Logging;

/// <summary>
/// An Akka logger (listed in akka.loggers) that writes every Akka log event to Microsoft.Extensions.Logging, so the
/// host's console output — simple lines or JSON — and any other MEL provider see Hub's and Akka's logs alike.
/// Category: the logging class's full name (Hub.Server.ConnectionActor, Akka.IO.TcpListener …), or the log source
/// when the adapter was made for a plain string source (Hub.AccessLog): never the actor path, which is per
/// connection and would grow MEL's category cache without bound. The actor path goes along as the LogSource
/// property, next to the template's own named properties (ConnectionId, RemoteAddress …).
/// Akka has already filtered by akka.loglevel; MEL's filters apply on top.
/// </summary>
public sealed class MelLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public MelLogger()
    {
        _factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>().Value?.Factory
                   ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        var logger = LoggerFor(e);
        var level = LevelOf(e.LogLevel());
        if (!logger.IsEnabled(level)) return;
        var state = new AkkaLogState(e);
        logger.Log(level, default, state, e.Cause, static (s, _) => s.ToString());
    }

    private ILogger LoggerFor(LogEvent e)
    {
        var category = e.LogClass is { } type && type != typeof(DummyClassForStringSources)
            ? type.FullName ?? type.Name
            : StringSourceName(e.LogSource);
        if (!_loggers.TryGetValue(category, out var logger))
        {
            logger = _factory.CreateLogger(category);
            _loggers[category] = logger;
        }
        return logger;
    }

    /// <summary>Akka appends the system's address to a string source ("Hub.AccessLog (akka://hub)"): the category is the name alone.</summary>
    private static string StringSourceName(string? source)
    {
        if (string.IsNullOrEmpty(source)) return "Akka";
        var cut = source.IndexOf(" (", StringComparison.Ordinal);
        return cut > 0 ? source[..cut] : source;
    }

    internal static LogLevel LevelOf(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => LogLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => LogLevel.Information,
        Akka.Event.LogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    /// <summary>
    /// The event as MEL structured state: the template's properties, the original template ("{OriginalFormat}",
    /// MEL's convention) and the log source; ToString is the formatted message.
    /// </summary>
    private sealed class AkkaLogState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly LogEvent _event;
        private readonly List<KeyValuePair<string, object?>> _pairs;

        public AkkaLogState(LogEvent e)
        {
            _event = e;
            _pairs = new List<KeyValuePair<string, object?>>(4);
            if (e.TryGetProperties(out var properties) && properties is not null)
                foreach (var p in properties) _pairs.Add(new(p.Key, p.Value));
            _pairs.Add(new("LogSource", e.LogSource));
            _pairs.Add(new("{OriginalFormat}", e.GetTemplate()));
        }

        public int Count => _pairs.Count;

        public KeyValuePair<string, object?> this[int index] => _pairs[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _pairs.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => _event.Message?.ToString() ?? "";
    }
}
