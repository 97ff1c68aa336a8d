using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace Hub.Integration.Tests.Diagnostics;

/// <summary>The log events of one ActorSystem at or above a level, as its loggers receive them.</summary>
internal sealed class LogCapture
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    private LogCapture() { }

    public static LogCapture Start(ActorSystem system, params Type[] levels)
    {
        var capture = new LogCapture();
        var sink = system.ActorOf(Props.Create(() => new Sink(capture._events)));
        foreach (var level in levels) system.EventStream.Subscribe(sink, level);
        return capture;
    }

    public IReadOnlyList<LogEvent> Events => _events.ToArray();

    private sealed class Sink : ReceiveActor
    {
        public Sink(ConcurrentQueue<LogEvent> events) => Receive<LogEvent>(events.Enqueue);
    }
}
