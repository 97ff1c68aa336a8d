using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// Issue 13, outcome 3, on three real Hub.Host processes: a hub.v1 <c>publish</c> with an <c>id</c> is answered with
/// the position the message got (the one its <c>message</c> frame carries); while the room's owner is SIGKILLed and
/// not yet replaced, it is answered <c>publish-failed</c> (<c>timeout</c>) after hub.rooms.publish-timeout, so the
/// publisher knows to retry — and a retry after the fail-over is acknowledged again.
/// </summary>
[Collection(HostClusterCollection.Name)]
public sealed class AcknowledgedPublishTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Form = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_publish_with_an_id_is_answered_with_its_position_or_a_timeout_while_the_owner_is_gone()
    {
        var clients = new List<ChatConnection>();
        try
        {
            // The room is opened on the seed (node 0) before the others start, so node 0 owns it.
            using var cluster = await HostCluster.StartAsync(3, Form, async seed =>
            {
                var first = await ChatConnection.ConnectAsync(seed, positions: true);
                clients.Add(first);
                await first.PublishAsync("first", "ack-0");
                await first.WaitUntilAsync(f => Answer(f, "ack-0") is not null, Wait, "the first acknowledgement");
            });
            var publisher = await ChatConnection.ConnectAsync(cluster.HttpPorts[1], positions: true);
            clients.Add(publisher);
            await publisher.WaitUntilAsync(f => f.Any(x => x.Type == "joined"), Wait, "joined");

            await publisher.PublishAsync("acked-1", "ack-1");
            await publisher.WaitUntilAsync(f => Answer(f, "ack-1") is not null && f.Any(x => x.Text == "acked-1"), Wait, "ack-1 and its message");
            var ack = Answer(publisher.Frames, "ack-1")!.Value;
            var message = publisher.Frames.Single(x => x.Text == "acked-1");
            Assert.Equal("published", ack.GetProperty("type").GetString());
            Assert.Equal($"{message.Epoch}:{message.Offset}", ack.GetProperty("position").GetString());

            var clock = Stopwatch.StartNew();
            await cluster.KillAsync(0);
            await publisher.PublishAsync("during", "ack-during");
            await publisher.WaitUntilAsync(f => Answer(f, "ack-during") is not null, Wait, "an answer while the owner is gone");
            var during = Answer(publisher.Frames, "ack-during")!.Value;
            var failedAfter = clock.Elapsed;
            output.WriteLine($"while the owner was gone: {during.GetRawText()} after {failedAfter.TotalSeconds:0.0} s");
            Assert.Equal("publish-failed", during.GetProperty("type").GetString());
            Assert.Equal("timeout", during.GetProperty("reason").GetString());

            // Retry until acknowledged: the room's next owner gives the message a position.
            JsonElement? retried = null;
            for (var attempt = 0; retried is null && clock.Elapsed < TimeSpan.FromSeconds(60); attempt++)
            {
                var id = $"retry-{attempt}";
                await publisher.PublishAsync($"retry-{attempt}", id);
                await publisher.WaitUntilAsync(f => Answer(f, id) is not null || publisher.Ended, Wait, $"an answer to {id}");
                if (Answer(publisher.Frames, id) is { } answer && answer.GetProperty("type").GetString() == "published") retried = answer;
            }
            Assert.NotNull(retried);
            output.WriteLine($"acknowledged again {clock.Elapsed.TotalSeconds:0.0} s after the kill: {retried.Value.GetRawText()}");
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    /// <summary>The <c>published</c> or <c>publish-failed</c> frame answering <paramref name="id"/>, if any yet.</summary>
    private static JsonElement? Answer(IReadOnlyList<RoomFrame> frames, string id)
    {
        foreach (var f in frames)
        {
            if (f.Type is not ("published" or "publish-failed")) continue;
            using var doc = JsonDocument.Parse(f.Json);
            if (doc.RootElement.GetProperty("id").GetString() == id) return doc.RootElement.Clone();
        }
        return null;
    }
}
