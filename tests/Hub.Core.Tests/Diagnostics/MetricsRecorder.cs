using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hub.Diagnostics;

namespace Hub.Core.Tests.Diagnostics;

/// <summary>
/// Every measurement of the Hub meter while it is alive, with its tags. Tests run in parallel in one process, so
/// assertions pick their own measurements by a tag only they use (server.port) or by a value only they record.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _measurements = new();

    public MetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HubMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public sealed record Recorded(Instrument Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
    {
        public object? Tag(string key) => Tags.TryGetValue(key, out var v) ? v : null;
    }

    public IReadOnlyList<Recorded> Of(string instrument) =>
        _measurements.Where(m => m.Instrument.Name == instrument).ToList();

    /// <summary>Observable instruments report only when asked.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(tags.Length);
        foreach (var t in tags) copy[t.Key] = t.Value;
        _measurements.Enqueue(new Recorded(instrument, value, copy));
    }

    public void Dispose() => _listener.Dispose();
}
