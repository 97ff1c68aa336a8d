using System.Collections.Concurrent;

namespace Hub.Cluster.Tests.Support;

/// <summary>Reads <see cref="IRooms.FollowAsync"/> in the background and keeps every event, in order.</summary>
public sealed class RoomFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RoomEvent> _events = new();
    private readonly Task _reading;

    public RoomFollower(IRooms rooms, string room, RoomPosition? since = null)
    {
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in rooms.FollowAsync(room, since, _stop.Token)) _events.Enqueue(e);
            }
            catch (OperationCanceledException) { }
        });
    }

    public IReadOnlyList<RoomEvent> Events => _events.ToArray();

    public IReadOnlyList<RoomEvent> Messages => _events.Where(e => e.Kind == RoomEventKind.Message).ToArray();

    public IReadOnlyList<string> Texts => Messages.Select(e => e.Message!.Text).ToArray();

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for the events so far.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<RoomEvent>, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(Events))
        {
            if (_reading.IsFaulted) await _reading;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what}: after {timeout.TotalSeconds}s have {Events.Count} events: " +
                                           string.Join(", ", Events.TakeLast(5).Select(Describe)));
            await Task.Delay(20);
        }
    }

    public Task WaitForTextsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(e => e.Count(x => x.Kind == RoomEventKind.Message) >= count, timeout, $"{count} messages");

    public static string Describe(RoomEvent e) =>
        e.Kind == RoomEventKind.Message ? $"{e.Position}={e.Message!.Text}" : $"reset({e.Reason})@{e.Position}";

    /// <summary>
    /// The gap-free rule: inside an epoch offsets rise by exactly one; moving to another epoch, or skipping offsets,
    /// is allowed only right after a reset.
    /// </summary>
    public static void AssertNoSilentGap(IReadOnlyList<RoomEvent> events)
    {
        RoomPosition? last = null;
        var resetPending = false;
        foreach (var e in events)
        {
            if (e.Kind == RoomEventKind.Reset)
            {
                resetPending = true;
                last = e.Position;
                continue;
            }
            if (last is { } p && !resetPending)
            {
                Assert.True(e.Position.Epoch == p.Epoch && e.Position.Offset == p.Offset + 1,
                    $"silent gap: {Describe(e)} after {p}");
            }
            if (last is { } q && resetPending)
                Assert.True(e.Position.Epoch == q.Epoch && e.Position.Offset == q.Offset + 1, $"reset at {q} then {Describe(e)}");
            resetPending = false;
            last = e.Position;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
