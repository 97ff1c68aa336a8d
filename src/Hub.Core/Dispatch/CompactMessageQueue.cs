using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Hub.Dispatch;

/// <summary>
/// An unbounded mailbox queue sized for a connection hub: a ring buffer under a lock that starts empty, grows by
/// doubling, and gives its array back once a burst has drained. Akka's default (a <c>ConcurrentQueue</c>) allocates a
/// 32-slot segment per actor up front, about 1 KB; a connection has three actors (Akka.IO's connection, the stream
/// interpreter, the connection actor), so that was ~3 KB per idle socket. Producers are few per actor and a lock
/// held for a slot write is uncontended in practice. Also double-ended, for actors that stash: what they unstash is
/// put back in front, touched only by the actor itself (Akka's own deque queue does the same).
/// </summary>
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    // Kept after draining: a busy actor then allocates nothing per message; a larger array goes back after a burst.
    private const int RetainedCapacity = 8;
    private readonly Lock _gate = new();
    private Envelope[] _items = [];
    private int _head;
    private int _count;
    private Stack<Envelope>? _front;

    public bool HasMessages => Volatile.Read(ref _count) > 0 || _front is { Count: > 0 };

    public int Count => Volatile.Read(ref _count) + (_front?.Count ?? 0);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_gate)
        {
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = envelope;
            // A full fence, not just a release: the sender next reads the mailbox's status to decide whether to
            // schedule it, while the actor finishing its run sets that status and then reads this count.
            Interlocked.Increment(ref _count);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (_front is { Count: > 0 } front)
        {
            envelope = front.Pop();
            return true;
        }
        lock (_gate)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            envelope = _items[_head];
            _items[_head] = default; // the queue must not keep a delivered message alive
            _head = (_head + 1) % _items.Length;
            Interlocked.Decrement(ref _count);
            if (_count == 0)
            {
                _head = 0;
                if (_items.Length > RetainedCapacity) _items = [];
            }
            return true;
        }
    }

    /// <summary>Puts <paramref name="envelope"/> before everything queued (unstash); called by the actor only.</summary>
    public void EnqueueFirst(Envelope envelope) => (_front ??= new Stack<Envelope>()).Push(envelope);

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var bigger = new Envelope[_items.Length == 0 ? 4 : _items.Length * 2];
        for (var i = 0; i < _count; i++) bigger[i] = _items[(_head + i) % _items.Length];
        _items = bigger;
        _head = 0;
    }
}
