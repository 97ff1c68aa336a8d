using CsCheck;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub.Core.Tests.Rooms;

/// <summary>A room's numbering and bounded history, and the resume answers docs/rooms-protocol.md promises.</summary>
public sealed class RoomHistoryTests
{
    private const long T0 = 1_000_000;
    private static readonly TimeSpan LongAge = TimeSpan.FromHours(1);

    private static RoomHistory Publish(RoomHistory history, int count, long nowMs = T0)
    {
        for (var i = 0; i < count; i++) history.Append("r", PreparedFrame.Text("m" + (history.Head + 1)), null, nowMs);
        return history;
    }

    private static long[] Offsets(IEnumerable<RoomMessage> messages) => messages.Select(m => m.Offset).ToArray();

    private static long[] Range(long first, long last) => first > last ? [] : Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i).ToArray();

    [Fact]
    public void Numbers_messages_from_1_without_gaps_in_one_epoch()
    {
        var history = new RoomHistory(100, LongAge);
        Assert.Equal(0, history.Head);
        var messages = Enumerable.Range(0, 5).Select(i => history.Append("r", PreparedFrame.Text("x"), null, T0 + i)).ToArray();

        Assert.Equal(Range(1, 5), Offsets(messages));
        Assert.All(messages, m => Assert.Equal(history.Epoch, m.Epoch));
        Assert.All(messages, m => Assert.Equal("r", m.Room));
        Assert.Equal(5, history.Head);
        Assert.Equal(new RoomPosition(history.Epoch, 5), history.HeadPosition);
    }

    [Fact]
    public void Append_carries_the_frame_the_except_member_and_the_publish_time()
    {
        var history = new RoomHistory(100, LongAge);
        var frame = PreparedFrame.Text("hello");
        var m = history.Append("room", frame, "c-1", T0);
        Assert.Same(frame, m.Frame);
        Assert.Equal("c-1", m.ExceptMember);
        Assert.Equal(T0, m.PublishedAt);
        Assert.Equal(new RoomPosition(history.Epoch, 1), m.Position);
    }

    [Fact]
    public void New_epochs_are_10_lowercase_base36_characters_and_differ()
    {
        var epochs = Enumerable.Range(0, 50).Select(_ => RoomHistory.NewEpoch()).ToArray();
        Assert.All(epochs, e => Assert.Matches("^[0-9a-z]{10}$", e));
        Assert.Equal(epochs.Length, epochs.Distinct().Count());
        // Every epoch is a valid position prefix.
        Assert.All(epochs, e => Assert.True(RoomPosition.TryParse(e + ":1", out _)));
    }

    [Fact]
    public void Retains_at_most_max_messages_the_newest_ones()
    {
        var history = Publish(new RoomHistory(3, LongAge), 10);
        Assert.Equal(10, history.Head);
        Assert.Equal(Range(8, 10), Offsets(history.Retained));
    }

    [Fact]
    public void Max_messages_0_retains_nothing_but_still_numbers()
    {
        var history = Publish(new RoomHistory(0, LongAge), 4);
        Assert.Equal(4, history.Head);
        Assert.Empty(history.Retained);
        var plan = history.Resume(new RoomPosition(history.Epoch, 2), T0);
        Assert.False(plan.Recovered);
        Assert.Equal("too-old", plan.Reason);
        Assert.Empty(plan.Messages);
    }

    [Fact]
    public void Prunes_messages_older_than_max_age()
    {
        var history = new RoomHistory(100, TimeSpan.FromSeconds(10));
        history.Append("r", PreparedFrame.Text("a"), null, T0);
        history.Append("r", PreparedFrame.Text("b"), null, T0 + 5_000);
        history.Append("r", PreparedFrame.Text("c"), null, T0 + 9_000);

        history.Prune(T0 + 10_000); // exactly max-age old: kept
        Assert.Equal(Range(1, 3), Offsets(history.Retained));
        history.Prune(T0 + 10_001);
        Assert.Equal(Range(2, 3), Offsets(history.Retained));
        history.Prune(T0 + 60_000);
        Assert.Empty(history.Retained);
        Assert.Equal(3, history.Head);
    }

    [Fact]
    public void Append_prunes_by_age_too()
    {
        var history = new RoomHistory(100, TimeSpan.FromSeconds(1));
        history.Append("r", PreparedFrame.Text("a"), null, T0);
        history.Append("r", PreparedFrame.Text("b"), null, T0 + 5_000);
        Assert.Equal([2L], Offsets(history.Retained));
    }

    [Fact]
    public void Resume_without_since_is_recovered_with_nothing_to_replay()
    {
        var history = Publish(new RoomHistory(100, LongAge), 3);
        var plan = history.Resume(null, T0);
        Assert.True(plan.Recovered);
        Assert.Null(plan.Reason);
        Assert.Empty(plan.Messages);
    }

    [Fact]
    public void Resume_in_the_same_epoch_returns_exactly_the_missed_messages()
    {
        var history = Publish(new RoomHistory(100, LongAge), 7);
        var plan = history.Resume(new RoomPosition(history.Epoch, 4), T0);
        Assert.True(plan.Recovered);
        Assert.Null(plan.Reason);
        Assert.Equal(Range(5, 7), Offsets(plan.Messages));
        Assert.Equal(["m5", "m6", "m7"], plan.Messages.Select(m => System.Text.Encoding.UTF8.GetString(m.Frame.PayloadToArray())));
    }

    [Fact]
    public void Resume_from_offset_0_returns_the_whole_retained_epoch()
    {
        var history = Publish(new RoomHistory(100, LongAge), 3);
        var plan = history.Resume(new RoomPosition(history.Epoch, 0), T0);
        Assert.True(plan.Recovered);
        Assert.Equal(Range(1, 3), Offsets(plan.Messages));
    }

    [Fact]
    public void Resume_at_the_head_is_recovered_with_nothing_missed()
    {
        var history = Publish(new RoomHistory(100, LongAge), 3);
        var plan = history.Resume(history.HeadPosition, T0);
        Assert.True(plan.Recovered);
        Assert.Empty(plan.Messages);

        // Also when the head message itself has aged out: nothing after it is missing.
        var aged = Publish(new RoomHistory(100, TimeSpan.FromSeconds(1)), 3);
        var agedPlan = aged.Resume(aged.HeadPosition, T0 + 60_000);
        Assert.Empty(aged.Retained);
        Assert.True(agedPlan.Recovered);
        Assert.Empty(agedPlan.Messages);
    }

    [Fact]
    public void Resume_at_0_of_an_empty_epoch_is_recovered()
    {
        var history = new RoomHistory(100, LongAge);
        var plan = history.Resume(new RoomPosition(history.Epoch, 0), T0);
        Assert.True(plan.Recovered);
        Assert.Empty(plan.Messages);
    }

    [Fact]
    public void Resume_ahead_of_the_head_is_not_recovered_and_replays_nothing()
    {
        var history = Publish(new RoomHistory(100, LongAge), 3);
        var plan = history.Resume(new RoomPosition(history.Epoch, 4), T0);
        Assert.False(plan.Recovered);
        Assert.Equal("ahead", plan.Reason);
        Assert.Empty(plan.Messages);
    }

    [Fact]
    public void Resume_past_the_retained_window_is_too_old_and_replays_what_is_left()
    {
        var history = Publish(new RoomHistory(3, LongAge), 10); // retains 8..10
        var plan = history.Resume(new RoomPosition(history.Epoch, 5), T0);
        Assert.False(plan.Recovered);
        Assert.Equal("too-old", plan.Reason);
        Assert.Equal(Range(8, 10), Offsets(plan.Messages));

        // since = 7: the next one (8) is retained, so nothing is missing.
        var ok = history.Resume(new RoomPosition(history.Epoch, 7), T0);
        Assert.True(ok.Recovered);
        Assert.Equal(Range(8, 10), Offsets(ok.Messages));
    }

    [Fact]
    public void Resume_prunes_by_age_before_answering()
    {
        var history = new RoomHistory(100, TimeSpan.FromSeconds(10));
        history.Append("r", PreparedFrame.Text("a"), null, T0);
        history.Append("r", PreparedFrame.Text("b"), null, T0 + 20_000);
        var plan = history.Resume(new RoomPosition(history.Epoch, 0), T0 + 20_000);
        Assert.False(plan.Recovered);
        Assert.Equal("too-old", plan.Reason);
        Assert.Equal([2L], Offsets(plan.Messages));
    }

    [Fact]
    public void Resume_from_another_epoch_returns_every_retained_message()
    {
        var history = Publish(new RoomHistory(4, LongAge), 6); // retains 3..6
        var plan = history.Resume(new RoomPosition("otherepoch", 2), T0);
        Assert.False(plan.Recovered);
        Assert.Equal("epoch-changed", plan.Reason);
        Assert.Equal(Range(3, 6), Offsets(plan.Messages));
    }

    [Fact]
    public void A_restored_history_keeps_epoch_and_head_and_continues_numbering()
    {
        var before = Publish(new RoomHistory(100, LongAge), 5);
        var after = new RoomHistory(100, LongAge, before.Epoch, before.Head);
        after.Restore(before.Retained, T0);

        Assert.Equal(before.Epoch, after.Epoch);
        Assert.Equal(5, after.Head);
        Assert.Equal(Range(1, 5), Offsets(after.Retained));
        var resumed = after.Resume(new RoomPosition(before.Epoch, 2), T0);
        Assert.True(resumed.Recovered);
        Assert.Equal(Range(3, 5), Offsets(resumed.Messages));
        Assert.Equal(6, after.Append("r", PreparedFrame.Text("x"), null, T0).Offset);
    }

    [Fact]
    public void Restore_skips_other_epochs_and_offsets_past_the_head_and_applies_the_bounds()
    {
        var old = Publish(new RoomHistory(100, LongAge), 6);
        var foreign = Publish(new RoomHistory(100, LongAge), 2);
        var restored = new RoomHistory(3, TimeSpan.FromSeconds(10), old.Epoch, head: 5);
        restored.Restore([.. foreign.Retained, .. old.Retained], T0 + 1_000);
        // Offset 6 is beyond the handed-over head; the bound of 3 keeps 3..5.
        Assert.Equal(Range(3, 5), Offsets(restored.Retained));

        var aged = new RoomHistory(100, TimeSpan.FromSeconds(10), old.Epoch, head: 6);
        aged.Restore(old.Retained, T0 + 60_000);
        Assert.Empty(aged.Retained);
        Assert.Equal(6, aged.Head);
    }

    [Fact]
    public void A_recovered_resume_returns_exactly_the_offsets_after_since_up_to_the_head()
    {
        var cases =
            from published in Gen.Int[0, 60]
            from maxMessages in Gen.Int[0, 30]
            from since in Gen.Long[0, 70]
            select (published, maxMessages, since);
        cases.Sample(c =>
        {
            var history = Publish(new RoomHistory(c.maxMessages, LongAge), c.published);
            var plan = history.Resume(new RoomPosition(history.Epoch, c.since), T0);
            if (c.since > c.published)
            {
                Assert.False(plan.Recovered);
                Assert.Equal("ahead", plan.Reason);
                Assert.Empty(plan.Messages);
                return;
            }
            var oldestRetained = Math.Max(1, c.published - c.maxMessages + 1);
            var recoverable = c.since == c.published || c.since + 1 >= oldestRetained;
            Assert.Equal(recoverable, plan.Recovered);
            if (plan.Recovered) Assert.Equal(Range(c.since + 1, c.published), Offsets(plan.Messages));
            else
            {
                Assert.Equal("too-old", plan.Reason);
                // Never a silent gap: what is replayed is contiguous, after since, and ends at the head.
                Assert.Equal(Range(Math.Max(c.since + 1, oldestRetained), c.published), Offsets(plan.Messages));
            }
        });
    }
}
