using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Hub.Diagnostics;
using Hub.Server.Hosting;

namespace Hub.Host.Dashboard;

/// <summary>
/// The dashboard's one data source per host: a <see cref="MeterListener"/> on the <c>Hub</c> meter summing what this
/// server records, sampled once per <see cref="Interval"/> into a ring buffer of the last <see cref="Capacity"/>
/// samples. Every /dashboard/feed client reads the same samples; none has a listener of its own.
///
/// The meter is process-wide, and a process may run several servers (tests do): measurements are kept per
/// <c>server.port</c> tag and a sample reads only this server's port. Rooms come from <see cref="IRooms"/> (this
/// node's subscriber counts, presence from each room's owner), cluster members from <see cref="ClusterLoad"/>.
/// Started before the server binds, so no connection opens unseen.
/// </summary>
public sealed class DashboardCollector : IAsyncDisposable
{
    /// <summary>Rooms listed per sample, busiest first; presence is asked for these only.</summary>
    public const int MaxRooms = 20;

    // HubMetrics' tag names (internal to Hub.Core): the OpenTelemetry semantic convention's server.port, Hub's kind.
    private const string ServerPortTag = "server.port";
    private const string ConnectionKindTag = "hub.connection.kind";
    private const string StatusClassTag = "http.response.status_class";

    private enum Field { HttpOpen, WebSocketOpen, Requests, ServerErrors, MessagesIn, MessagesOut, BytesIn, BytesOut, SlowConsumerCloses, Dropped, Rejected }

    private static readonly int FieldCount = Enum.GetValues<Field>().Length;

    /// <summary>The instruments the dashboard shows, by name (see docs/operations.md).</summary>
    private static readonly Dictionary<string, Field> Tracked = new(StringComparer.Ordinal)
    {
        ["hub.server.active_connections"] = Field.HttpOpen, // split by kind in OnMeasurement
        ["hub.server.rejected_connections"] = Field.Rejected,
        ["hub.http.server.requests"] = Field.Requests,
        ["hub.server.received_bytes"] = Field.BytesIn,
        ["hub.server.sent_bytes"] = Field.BytesOut,
        ["hub.websocket.received_messages"] = Field.MessagesIn,
        ["hub.websocket.sent_messages"] = Field.MessagesOut,
        ["hub.websocket.slow_consumer_closes"] = Field.SlowConsumerCloses,
        ["hub.websocket.dropped_messages"] = Field.Dropped,
    };

    private readonly ConcurrentDictionary<int, long[]> _ports = new();
    private readonly MeterListener _listener;
    private readonly Task<HubBinding> _binding;
    private readonly IRooms _rooms;
    private readonly ClusterLoad? _cluster;
    private readonly DashboardSample?[] _ring;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource<DashboardSample> _next = NewSignal();
    private long _seq;
    private int _head;
    private int _count;
    private volatile NodeNumbers _latest = NodeNumbers.Zero;

    /// <param name="binding">The server whose numbers to show; measurements before it completes are kept by port.</param>
    public DashboardCollector(ActorSystem system, Task<HubBinding> binding, TimeSpan? interval = null, int capacity = 300)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Interval = interval ?? TimeSpan.FromSeconds(1);
        Capacity = capacity;
        _ring = new DashboardSample?[capacity];
        _binding = binding;
        _rooms = HubExtension.Get(system).Rooms;
        _cluster = ClusterLoad.Start(system, () => _latest);

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == HubMetrics.MeterName && Tracked.TryGetValue(instrument.Name, out var field))
                    listener.EnableMeasurementEvents(instrument, field);
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
        _loop = Task.Run(RunAsync);
    }

    public TimeSpan Interval { get; }

    public int Capacity { get; }

    /// <summary>The retained samples, oldest first.</summary>
    public IReadOnlyList<DashboardSample> History()
    {
        lock (_gate)
        {
            var list = new List<DashboardSample>(_count);
            for (var i = 0; i < _count; i++) list.Add(_ring[(_head - _count + i + Capacity) % Capacity]!);
            return list;
        }
    }

    /// <summary>Completes with the next sample taken after the call.</summary>
    public Task<DashboardSample> NextSampleAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

    private static TaskCompletionSource<DashboardSample> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var field = (Field)state!;
        var port = -1;
        var webSocket = false;
        var serverError = false;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case ServerPortTag when tag.Value is int p: port = p; break;
                case ConnectionKindTag: webSocket = tag.Value as string == "websocket"; break;
                case StatusClassTag: serverError = tag.Value as string == "5xx"; break;
            }
        }
        if (port < 0) return;
        var totals = _ports.GetOrAdd(port, _ => new long[FieldCount]);
        if (field == Field.HttpOpen && webSocket) field = Field.WebSocketOpen;
        Interlocked.Add(ref totals[(int)field], value);
        if (field == Field.Requests && serverError) Interlocked.Add(ref totals[(int)Field.ServerErrors], value);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        var previous = new long[FieldCount];
        var last = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var seconds = Math.Max(Stopwatch.GetElapsedTime(last, now).TotalSeconds, 0.001);
                last = now;
                var current = await CurrentTotalsAsync().ConfigureAwait(false);
                DashboardSample sample;
                try
                {
                    sample = await SampleAsync(current, previous, seconds).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The rooms or the cluster failed mid-shutdown: skip this second, the next tick tries again.
                    continue;
                }
                previous = current;
                Publish(sample);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // disposed
        }
    }

    private async Task<long[]> CurrentTotalsAsync()
    {
        if (!_binding.IsCompletedSuccessfully) return new long[FieldCount];
        var port = (await _binding.ConfigureAwait(false)).Port;
        var totals = _ports.GetOrAdd(port, _ => new long[FieldCount]);
        var copy = new long[FieldCount];
        for (var i = 0; i < FieldCount; i++) copy[i] = Interlocked.Read(ref totals[i]);
        return copy;
    }

    private async Task<DashboardSample> SampleAsync(long[] current, long[] previous, double seconds)
    {
        long Delta(Field f) => current[(int)f] - previous[(int)f];
        double Rate(Field f) => Math.Round(Delta(f) / seconds, 2);
        // An up-down sum may dip below zero for a moment when a previous server on the same port (a restart in
        // one process) closes its last connections after this listener started.
        long Open(Field f) => Math.Max(0, current[(int)f]);

        var load = new NodeNumbers(Open(Field.HttpOpen), Open(Field.WebSocketOpen), Rate(Field.Requests), Rate(Field.ServerErrors),
            Rate(Field.MessagesIn), Rate(Field.MessagesOut), Rate(Field.BytesIn), Rate(Field.BytesOut));
        _latest = load;
        var budget = Interval / 2; // a slow room owner or member must not stall the next sample
        var (rooms, roomCount) = await RoomsAsync(budget).ConfigureAwait(false);
        var nodes = _cluster is null ? [] : await _cluster.GatherAsync(load, budget).ConfigureAwait(false);
        return new DashboardSample
        {
            Seq = Interlocked.Increment(ref _seq),
            Time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Load = load,
            SlowConsumerCloses = Delta(Field.SlowConsumerCloses),
            DroppedMessages = Delta(Field.Dropped),
            RejectedConnections = Delta(Field.Rejected),
            TotalRequests = current[(int)Field.Requests],
            TotalSlowConsumerCloses = current[(int)Field.SlowConsumerCloses],
            TotalDroppedMessages = current[(int)Field.Dropped],
            Rooms = rooms,
            RoomCount = roomCount,
            Nodes = nodes,
        };
    }

    private async Task<(IReadOnlyList<RoomLoad> Rooms, int Count)> RoomsAsync(TimeSpan budget)
    {
        IReadOnlyDictionary<string, int> counts;
        try
        {
            counts = await _rooms.GetSubscriberCountsAsync().WaitAsync(budget).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or OperationCanceledException)
        {
            return ([], 0);
        }
        var busiest = counts.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(MaxRooms).ToArray();
        var present = await Task.WhenAll(busiest.Select(r => PresentAsync(r.Key, budget))).ConfigureAwait(false);
        return (busiest.Select((r, i) => new RoomLoad(r.Key, r.Value, present[i])).ToArray(), counts.Count);
    }

    private async Task<int?> PresentAsync(string room, TimeSpan budget)
    {
        try
        {
            return (await _rooms.GetPresenceAsync(room).WaitAsync(budget).ConfigureAwait(false)).Count;
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private void Publish(DashboardSample sample)
    {
        lock (_gate)
        {
            _ring[_head] = sample;
            _head = (_head + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
        Interlocked.Exchange(ref _next, NewSignal()).TrySetResult(sample);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _listener.Dispose();
        _stop.Dispose();
        Volatile.Read(ref _next).TrySetCanceled();
    }
}
