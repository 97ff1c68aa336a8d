using System.Security.Cryptography;

namespace Hub.PubSub;

/// <summary>
/// A room's numbering and bounded history, kept by the room's owner: the current epoch, the head offset and the
/// newest messages (at most max-messages, none older than max-age). Answers resumes: exactly the messages after a
/// position, or "not recovered" with the reason — never a silent gap.
/// </summary>
internal sealed class RoomHistory
{
    private readonly Queue<RoomMessage> _retained = new();
    private readonly int _maxMessages;
    private readonly long _maxAgeMs;

    public RoomHistory(int maxMessages, TimeSpan maxAge, string? epoch = null, long head = 0)
    {
        _maxMessages = maxMessages;
        _maxAgeMs = (long)maxAge.TotalMilliseconds;
        Epoch = epoch ?? NewEpoch();
        Head = head;
    }

    public string Epoch { get; }

    /// <summary>Offset of the newest message of this epoch; 0 before the first.</summary>
    public long Head { get; private set; }

    public RoomPosition HeadPosition => new(Epoch, Head);

    public IReadOnlyCollection<RoomMessage> Retained => _retained;

    /// <summary>Numbers the next message and retains it.</summary>
    public RoomMessage Append(string room, WebSockets.PreparedFrame frame, string? exceptMember, long nowMs)
    {
        var message = new RoomMessage(room, Epoch, ++Head, frame, exceptMember, nowMs);
        if (_maxMessages > 0)
        {
            _retained.Enqueue(message);
            if (_retained.Count > _maxMessages) _retained.Dequeue();
        }
        Prune(nowMs);
        return message;
    }

    /// <summary>Restores messages handed over by a previous owner (same epoch, in offset order).</summary>
    public void Restore(IEnumerable<RoomMessage> messages, long nowMs)
    {
        foreach (var m in messages)
            if (m.Epoch == Epoch && m.Offset <= Head) _retained.Enqueue(m);
        while (_retained.Count > _maxMessages) _retained.Dequeue();
        Prune(nowMs);
    }

    public void Prune(long nowMs)
    {
        while (_retained.TryPeek(out var oldest) && nowMs - oldest.PublishedAt > _maxAgeMs) _retained.Dequeue();
    }

    /// <summary>
    /// What a join resuming after <paramref name="since"/> gets. Recovered: every message after it is retained and
    /// returned. Not recovered: "epoch-changed" (all retained messages of the current epoch are returned — all newer
    /// than anything of the old epoch), "too-old" (the retained ones after <paramref name="since"/> are returned, some
    /// before them are gone) or "ahead" (the room never reached that offset; nothing is returned).
    /// </summary>
    public ReplayPlan Resume(RoomPosition? since, long nowMs)
    {
        Prune(nowMs);
        if (since is not { } s) return new ReplayPlan(true, null, []);
        if (s.Epoch != Epoch) return new ReplayPlan(false, "epoch-changed", [.. _retained]);
        if (s.Offset > Head) return new ReplayPlan(false, "ahead", []);
        var after = _retained.Where(m => m.Offset > s.Offset).ToArray();
        // Recovered when the first retained message after since is exactly since+1 (or nothing is missing at all).
        var complete = s.Offset == Head || (after.Length > 0 && after[0].Offset == s.Offset + 1);
        return complete ? new ReplayPlan(true, null, after) : new ReplayPlan(false, "too-old", after);
    }

    /// <summary>A fresh epoch id: 10 base-36 characters (~51 random bits), so two epochs of one room never collide in practice.</summary>
    public static string NewEpoch()
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        Span<char> epoch = stackalloc char[10];
        for (var i = 0; i < epoch.Length; i++) epoch[i] = digits[random[i] % 36];
        return new string(epoch);
    }
}

/// <summary>The answer to a resume: whether it is complete, why not, and the messages to deliver first.</summary>
internal sealed record ReplayPlan(bool Recovered, string? Reason, IReadOnlyList<RoomMessage> Messages);
