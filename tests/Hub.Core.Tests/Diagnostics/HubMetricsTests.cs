using System.Diagnostics.Metrics;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Diagnostics;

public sealed class HubMetricsTests
{
    // A port no listener in this process binds: measurements tagged with it are this test's alone.
    private static readonly KeyValuePair<string, object?> Port = HubMetrics.ServerPort(1);

    [Theory]
    [InlineData("hub.server.active_connections", "{connection}", typeof(UpDownCounter<long>))]
    [InlineData("hub.server.accepted_connections", "{connection}", typeof(Counter<long>))]
    [InlineData("hub.server.rejected_connections", "{connection}", typeof(Counter<long>))]
    [InlineData("hub.http.server.requests", "{request}", typeof(Counter<long>))]
    [InlineData("hub.http.server.request.duration", "s", typeof(Histogram<double>))]
    [InlineData("hub.http.server.rejected_requests", "{request}", typeof(Counter<long>))]
    [InlineData("hub.server.received_bytes", "By", typeof(Counter<long>))]
    [InlineData("hub.server.sent_bytes", "By", typeof(Counter<long>))]
    [InlineData("hub.websocket.received_messages", "{message}", typeof(Counter<long>))]
    [InlineData("hub.websocket.sent_messages", "{message}", typeof(Counter<long>))]
    [InlineData("hub.websocket.closes", "{connection}", typeof(Counter<long>))]
    [InlineData("hub.websocket.slow_consumer_closes", "{connection}", typeof(Counter<long>))]
    [InlineData("hub.websocket.dropped_messages", "{message}", typeof(Counter<long>))]
    [InlineData("hub.rooms.active", "{room}", typeof(UpDownCounter<long>))]
    [InlineData("hub.rooms.subscribers", "{subscriber}", typeof(UpDownCounter<long>))]
    [InlineData("hub.rooms.broadcast.fan_out", "{subscriber}", typeof(Histogram<long>))]
    [InlineData("hub.cluster.members", "{member}", typeof(ObservableGauge<int>))]
    public void Publishes_the_instrument_with_its_unit_on_the_Hub_meter(string name, string unit, Type type)
    {
        _ = HubMetrics.Meter; // instruments exist once the class is initialised
        var found = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, _) =>
            {
                if (i.Meter.Name == "Hub" && i.Name == name) lock (found) found.Add(i);
            },
        };
        listener.Start();

        var instrument = Assert.Single(found);
        Assert.Equal(unit, instrument.Unit);
        Assert.IsType(type, instrument);
        Assert.False(string.IsNullOrEmpty(instrument.Description));
        Assert.Same(HubMetrics.Meter, instrument.Meter);
    }

    [Fact]
    public void Meter_is_named_Hub_and_versioned_like_the_assembly()
    {
        Assert.Equal("Hub", HubMetrics.Meter.Name);
        Assert.Equal(typeof(HubMetrics).Assembly.GetName().Version!.ToString(), HubMetrics.Meter.Version);
    }

    [Theory]
    [InlineData(101, "1xx")]
    [InlineData(200, "2xx")]
    [InlineData(204, "2xx")]
    [InlineData(304, "3xx")]
    [InlineData(404, "4xx")]
    [InlineData(503, "5xx")]
    [InlineData(0, "other")]
    [InlineData(99, "other")]
    [InlineData(600, "other")]
    public void A_response_counts_in_its_status_class_with_its_duration(int status, string statusClass)
    {
        using var recorder = new MetricsRecorder();
        var port = HubMetrics.ServerPort(10_000 + status); // one series per case: the cases run in parallel
        HubMetrics.RequestCompleted(status, System.Diagnostics.Stopwatch.GetTimestamp(), port);

        var request = Assert.Single(recorder.Of("hub.http.server.requests"), m => Equals(m.Tag("server.port"), port.Value));
        Assert.Equal(1, request.Value);
        Assert.Equal(statusClass, request.Tag("http.response.status_class"));
        var duration = Assert.Single(recorder.Of("hub.http.server.request.duration"), m => Equals(m.Tag("server.port"), port.Value));
        Assert.Equal(statusClass, duration.Tag("http.response.status_class"));
        Assert.InRange(duration.Value, 0, 60);
    }

    [Theory]
    [InlineData((int)RejectionReason.MalformedRequestLine, "malformed-request-line", 400)]
    [InlineData((int)RejectionReason.RequestLineTooLong, "request-line-too-long", 414)]
    [InlineData((int)RejectionReason.HeadersTooLarge, "headers-too-large", 431)]
    [InlineData((int)RejectionReason.BodyTooLarge, "body-too-large", 413)]
    [InlineData((int)RejectionReason.RequestHeadersTimeout, "request-headers-timeout", 408)]
    public void A_codec_rejection_counts_with_its_reason_and_status(int reasonValue, string tag, int status)
    {
        var reason = (RejectionReason)reasonValue;
        using var recorder = new MetricsRecorder();
        var port = HubMetrics.ServerPort(20_000 + (int)reason);
        HubMetrics.RequestRejected(reason, port);

        var m = Assert.Single(recorder.Of("hub.http.server.rejected_requests"), m => Equals(m.Tag("server.port"), port.Value));
        Assert.Equal(tag, m.Tag("hub.rejection.reason"));
        Assert.Equal(status, m.Tag("http.response.status_code"));
    }

    [Fact]
    public void Every_rejection_reason_has_a_tag()
    {
        using var recorder = new MetricsRecorder();
        var port = HubMetrics.ServerPort(2);
        foreach (var reason in Enum.GetValues<RejectionReason>()) HubMetrics.RequestRejected(reason, port);

        var tags = recorder.Of("hub.http.server.rejected_requests").Where(m => Equals(m.Tag("server.port"), 2))
            .Select(m => (string)m.Tag("hub.rejection.reason")!).ToList();
        Assert.Equal(Enum.GetValues<RejectionReason>().Length, tags.Distinct().Count());
        Assert.All(tags, t => Assert.Matches("^[a-z]+(-[a-z]+)*$", t));
    }

    [Fact]
    public void An_upgrade_moves_a_connection_from_http_to_websocket()
    {
        using var recorder = new MetricsRecorder();
        HubMetrics.ConnectionOpened(webSocket: false, Port);
        HubMetrics.ConnectionUpgraded(Port);
        HubMetrics.ConnectionClosed(webSocket: true, Port);

        var mine = recorder.Of("hub.server.active_connections").Where(m => Equals(m.Tag("server.port"), 1)).ToList();
        Assert.Equal(0, mine.Where(m => Equals(m.Tag("hub.connection.kind"), "http")).Sum(m => m.Value));
        Assert.Equal(0, mine.Where(m => Equals(m.Tag("hub.connection.kind"), "websocket")).Sum(m => m.Value));
        Assert.Equal([1.0, -1.0, 1.0, -1.0], mine.Select(m => m.Value));
    }

    [Fact]
    public void Refused_connections_carry_their_reason()
    {
        using var recorder = new MetricsRecorder();
        var port = HubMetrics.ServerPort(3);
        HubMetrics.ConnectionRejected(maxConnections: true, port);
        HubMetrics.ConnectionRejected(maxConnections: false, port);

        var reasons = recorder.Of("hub.server.rejected_connections").Where(m => Equals(m.Tag("server.port"), 3))
            .Select(m => m.Tag("hub.rejection.reason")).ToList();
        Assert.Equal(["max-connections", "draining"], reasons);
    }

    [Fact]
    public void WebSocket_closes_are_tagged_with_their_code()
    {
        using var recorder = new MetricsRecorder();
        var port = HubMetrics.ServerPort(4);
        HubMetrics.WebSocketClosed(1000, port);
        HubMetrics.WebSocketClosed(1008, port);
        HubMetrics.WebSocketClosed(4001, port); // an application code, outside the cached range

        var codes = recorder.Of("hub.websocket.closes").Where(m => Equals(m.Tag("server.port"), 4))
            .Select(m => m.Tag("hub.websocket.close.code")).ToList();
        Assert.Equal([1000, 1008, 4001], codes.Cast<int>());
    }

    [Fact]
    public void Dropped_messages_are_tagged_with_the_overflow_policy()
    {
        using var recorder = new MetricsRecorder();
        var port = HubMetrics.ServerPort(5);
        HubMetrics.MessagesDropped(3, OverflowPolicy.DropOldest, port);
        HubMetrics.MessagesDropped(1, OverflowPolicy.Conflate, port);
        HubMetrics.MessagesDropped(0, OverflowPolicy.Close, port); // nothing dropped, nothing recorded
        HubMetrics.SlowConsumerClosed(port);

        var drops = recorder.Of("hub.websocket.dropped_messages").Where(m => Equals(m.Tag("server.port"), 5))
            .Select(m => (m.Value, m.Tag("hub.websocket.overflow_policy"))).ToList();
        Assert.Equal([(3.0, (object?)"drop-oldest"), (1.0, "conflate")], drops);
        Assert.Single(recorder.Of("hub.websocket.slow_consumer_closes"), m => Equals(m.Tag("server.port"), 5));
    }

    [Fact]
    public void Room_hooks_record_their_values()
    {
        using var recorder = new MetricsRecorder();
        HubMetrics.RoomsChanged(7_001);
        HubMetrics.RoomsChanged(-7_001);
        HubMetrics.SubscribersChanged(7_002);
        HubMetrics.BroadcastFanOut(7_003);

        Assert.Contains(recorder.Of("hub.rooms.active"), m => m.Value == 7_001);
        Assert.Contains(recorder.Of("hub.rooms.active"), m => m.Value == -7_001);
        Assert.Contains(recorder.Of("hub.rooms.subscribers"), m => m.Value == 7_002);
        Assert.Contains(recorder.Of("hub.rooms.broadcast.fan_out"), m => m.Value == 7_003);
    }

    [Fact]
    public void Cluster_members_gauge_reads_the_registered_provider()
    {
        using var recorder = new MetricsRecorder();
        try
        {
            HubMetrics.SetClusterMembersProvider(() => 7_004);
            recorder.Observe();
            Assert.Contains(recorder.Of("hub.cluster.members"), m => m.Value == 7_004);

            // A provider that throws (cluster shutting down) reports nothing rather than breaking the collection.
            HubMetrics.SetClusterMembersProvider(() => throw new InvalidOperationException("stopping"));
            recorder.Observe();
        }
        finally
        {
            HubMetrics.SetClusterMembersProvider(null);
        }
        Assert.Single(recorder.Of("hub.cluster.members"), m => m.Value == 7_004);
    }
}
