using Hub.Cluster.Tests.Support;

namespace Hub.Cluster.Tests;

/// <summary>
/// Rooms on a three-node cluster: one owner per room numbers every message; members on every node get all of them in
/// order; presence and history are the owner's and answer from any node; a graceful leave hands the owner's state
/// over (same epoch, history kept); a crash is announced to members as a reset, never a silent gap.
/// </summary>
public sealed class RoomClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static string NewRoom() => "room-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Every_member_on_every_node_gets_every_message_numbered_without_gaps_and_in_per_publisher_order()
    {
        await using var cluster = await ClusterNodes.StartAsync(3);
        var room = NewRoom();
        var followers = cluster.Nodes.Select(n => new RoomFollower(ClusterNodes.RoomsOf(n), room)).ToArray();
        try
        {
            await WaitForMembersAsync(cluster, room, 3);
            const int perNode = 40;
            for (var m = 0; m < perNode; m++)
                for (var n = 0; n < 3; n++)
                    ClusterNodes.RoomsOf(cluster[n]).Publish(room, $"{n}:{m}");
            foreach (var f in followers)
            {
                await f.WaitForTextsAsync(3 * perNode, Wait);
                var messages = f.Messages;
                Assert.Equal(Enumerable.Range(1, 3 * perNode).Select(i => (long)i), messages.Select(e => e.Position.Offset));
                Assert.Single(messages.Select(e => e.Position.Epoch).Distinct());
                for (var n = 0; n < 3; n++)
                {
                    var fromN = f.Texts.Where(t => t.StartsWith($"{n}:", StringComparison.Ordinal)).Select(t => int.Parse(t[2..])).ToArray();
                    Assert.Equal(Enumerable.Range(0, perNode), fromN);
                }
            }
            // All members saw the same total order: the owner's.
            Assert.All(followers, f => Assert.Equal(followers[0].Texts, f.Texts));
        }
        finally
        {
            foreach (var f in followers) await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task Presence_is_cluster_wide_and_answers_the_same_from_every_node()
    {
        await using var cluster = await ClusterNodes.StartAsync(3);
        var room = NewRoom();
        var followers = cluster.Nodes.Select(n => new RoomFollower(ClusterNodes.RoomsOf(n), room)).ToArray();
        try
        {
            await WaitForMembersAsync(cluster, room, 3);
            foreach (var node in cluster.Nodes)
            {
                var members = await ClusterNodes.RoomsOf(node).GetPresenceAsync(room);
                Assert.Equal(3, members.Count);
                Assert.Equal(3, members.Select(m => m.Node).Distinct().Count());
                Assert.Equal(3, members.Select(m => m.Member).Distinct().Count());
            }
            await followers[2].DisposeAsync();
            await WaitForMembersAsync(cluster, room, 2);
        }
        finally
        {
            foreach (var f in followers.Take(2)) await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_member_resuming_on_another_node_gets_exactly_the_messages_it_missed()
    {
        await using var cluster = await ClusterNodes.StartAsync(3);
        var room = NewRoom();
        RoomPosition seen;
        await using (var first = new RoomFollower(ClusterNodes.RoomsOf(cluster[0]), room))
        {
            await WaitForMembersAsync(cluster, room, 1);
            for (var i = 1; i <= 10; i++) ClusterNodes.RoomsOf(cluster[1]).Publish(room, $"m{i}");
            await first.WaitForTextsAsync(10, Wait);
            seen = first.Messages[5].Position; // it got m1..m10 but remembers m6 as its last
        }
        for (var i = 11; i <= 15; i++) ClusterNodes.RoomsOf(cluster[2]).Publish(room, $"m{i}");

        await using var resumed = new RoomFollower(ClusterNodes.RoomsOf(cluster[2]), room, seen);
        await resumed.WaitForTextsAsync(9, Wait);
        Assert.DoesNotContain(resumed.Events, e => e.Kind == RoomEventKind.Reset);
        Assert.Equal(Enumerable.Range(7, 9).Select(i => $"m{i}"), resumed.Texts.Take(9));
    }

    [Fact]
    public async Task A_resume_from_an_unknown_epoch_is_reported_not_recovered()
    {
        await using var cluster = await ClusterNodes.StartAsync(2);
        var room = NewRoom();
        ClusterNodes.RoomsOf(cluster[0]).Publish(room, "before");
        await using var resumed = new RoomFollower(ClusterNodes.RoomsOf(cluster[1]), room, new RoomPosition("nosuchepoch", 3));
        await resumed.WaitUntilAsync(e => e.Any(x => x.Kind == RoomEventKind.Reset), Wait, "a reset");
        Assert.Equal("epoch-changed", resumed.Events.First(e => e.Kind == RoomEventKind.Reset).Reason);
    }

    [Fact]
    public async Task When_the_owner_leaves_gracefully_its_room_keeps_epoch_history_and_members()
    {
        await using var cluster = await ClusterNodes.StartAsync(3);
        var room = NewRoom();
        ClusterNodes.RoomsOf(cluster[0]).Publish(room, "m1");
        var owner = await WaitForOwnerAsync(cluster, room);
        var survivors = Enumerable.Range(0, 3).Where(i => i != owner).ToArray();
        var followers = survivors.Select(i => new RoomFollower(ClusterNodes.RoomsOf(cluster[i]), room)).ToArray();
        try
        {
            await WaitForMembersAsync(cluster, room, 2, survivors[0]);
            for (var i = 2; i <= 20; i++) ClusterNodes.RoomsOf(cluster[survivors[i % 2]]).Publish(room, $"m{i}");
            foreach (var f in followers) await f.WaitForTextsAsync(19, Wait);
            var epoch = followers[0].Messages[0].Position.Epoch;

            await cluster.LeaveAsync(owner);
            for (var i = 21; i <= 40; i++) ClusterNodes.RoomsOf(cluster[survivors[i % 2]]).Publish(room, $"m{i}");

            foreach (var f in followers)
            {
                await f.WaitForTextsAsync(39, Wait);
                Assert.DoesNotContain(f.Events, e => e.Kind == RoomEventKind.Reset);
                Assert.Equal(Enumerable.Range(2, 39).Select(i => (long)i), f.Messages.Select(e => e.Position.Offset));
                Assert.All(f.Messages, e => Assert.Equal(epoch, e.Position.Epoch));
                RoomFollower.AssertNoSilentGap(f.Events);
            }
            Assert.NotEqual(owner, await WaitForOwnerAsync(cluster, room));
            // The new owner has the history that was handed over: a resume from offset 5 is recovered, in the owner's order.
            await using var resumed = new RoomFollower(ClusterNodes.RoomsOf(cluster[survivors[0]]), room, new RoomPosition(epoch, 5));
            await resumed.WaitForTextsAsync(35, Wait);
            Assert.DoesNotContain(resumed.Events, e => e.Kind == RoomEventKind.Reset);
            Assert.Equal(followers[0].Messages.Where(e => e.Position.Offset > 5).Select(e => e.Message!.Text), resumed.Texts.Take(35));
        }
        finally
        {
            foreach (var f in followers) await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_the_owner_crashes_members_learn_of_it_by_a_reset_and_broadcasts_among_survivors_continue()
    {
        await using var cluster = await ClusterNodes.StartAsync(3);
        var room = NewRoom();
        ClusterNodes.RoomsOf(cluster[0]).Publish(room, "first");
        var owner = await WaitForOwnerAsync(cluster, room);
        var survivors = Enumerable.Range(0, 3).Where(i => i != owner).ToArray();
        var followers = survivors.Select(i => new RoomFollower(ClusterNodes.RoomsOf(cluster[i]), room)).ToArray();
        try
        {
            await WaitForMembersAsync(cluster, room, 2, survivors[0]);
            for (var i = 1; i <= 10; i++) ClusterNodes.RoomsOf(cluster[survivors[0]]).Publish(room, $"a{i}");
            foreach (var f in followers) await f.WaitForTextsAsync(10, Wait);

            await cluster.CrashAsync(owner);
            foreach (var i in survivors) await ClusterNodes.WaitForUpAsync(cluster[i], 2);
            // After SBR downed the dead node: publishes from survivors reach every surviving member again.
            var publisher = ClusterNodes.RoomsOf(cluster[survivors[1]]);
            await followers[0].WaitUntilAsync(_ =>
            {
                publisher.Publish(room, "probe");
                return followers.All(f => f.Texts.Contains("probe"));
            }, TimeSpan.FromSeconds(60), "survivors delivering again");
            for (var i = 1; i <= 10; i++) publisher.Publish(room, $"b{i}");
            foreach (var f in followers)
            {
                await f.WaitUntilAsync(e => e.Any(x => x.Message?.Text == "b10"), Wait, "b10");
                Assert.Contains(f.Events, e => e.Kind == RoomEventKind.Reset);
                RoomFollower.AssertNoSilentGap(f.Events);
                var after = f.Texts.SkipWhile(t => t != "b1").ToArray();
                Assert.Equal(Enumerable.Range(1, 10).Select(i => $"b{i}"), after.Where(t => t.StartsWith('b')));
            }
        }
        finally
        {
            foreach (var f in followers) await f.DisposeAsync();
        }
    }

    private static async Task<int> WaitForOwnerAsync(ClusterNodes cluster, string room)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var owner = await cluster.OwnerOfAsync(room);
            if (owner >= 0) return owner;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no owner for {room}");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForMembersAsync(ClusterNodes cluster, string room, int count, int askVia = 0)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var members = await ClusterNodes.RoomsOf(cluster[askVia]).GetPresenceAsync(room);
            if (members.Count == count) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{room} has {members.Count} of {count} members");
            await Task.Delay(50);
        }
    }
}
