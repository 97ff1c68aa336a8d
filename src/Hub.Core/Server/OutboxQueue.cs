using Akka.Actor;
using Hub.WebSockets;

namespace Hub.Server;

/// <summary>
/// A WebSocket's inbound side for room fan-out: the room node adds frames here and tells the connection's bridge
/// (this object is the wake-up message) only when it is not already due to drain. A burst of N broadcasts to one
/// socket then costs one actor message instead of N: the fan-out loop appends to a list under an uncontended lock,
/// and the bridge takes the whole batch in one go and queues it under its usual bounds and overflow policy.
/// Frames from the room node keep their order because every frame it sends to this socket goes through here.
/// Holds nothing while idle (the list is allocated per batch).
/// </summary>
internal sealed class OutboxQueue(IActorRef bridge) : INoSerializationVerificationNeeded
{
    private readonly Lock _gate = new();
    private List<WsOutbound.Frame>? _frames;
    private bool _wakeSent;
    private bool _closed;

    /// <summary>From any thread: queue <paramref name="frame"/> for the socket; wakes the bridge if it is not due to
    /// drain already. A closed queue (the socket is gone) drops it.</summary>
    public void Post(WsOutbound.Frame frame)
    {
        lock (_gate)
        {
            if (_closed) return;
            (_frames ??= []).Add(frame);
            if (_wakeSent) return;
            _wakeSent = true;
        }
        bridge.Tell(this, ActorRefs.NoSender);
    }

    /// <summary>The bridge, on its wake-up: everything queued so far (oldest first), or null; the next
    /// <see cref="Post"/> sends a new wake-up.</summary>
    public List<WsOutbound.Frame>? TakeAll()
    {
        lock (_gate)
        {
            _wakeSent = false;
            var frames = _frames;
            _frames = null;
            return frames;
        }
    }

    /// <summary>Frames waiting for the bridge (for tests and diagnostics).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate) return _frames?.Count ?? 0;
        }
    }

    /// <summary>The socket is gone: drop what is queued and everything posted later.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _frames = null;
        }
    }
}
