using System.Buffers;
using System.Net.Sockets;

namespace Hub.Server;

/// <summary>
/// One direction (receive or send) of a <see cref="SocketTransportStage"/>'s socket: a reusable
/// <see cref="SocketAsyncEventArgs"/>, so an operation allocates nothing of its own. An operation that completes
/// later calls the stage back through its async callback (one message to the stage's actor); one that completes at
/// once is handled inline by the stage and costs no message. A receive buffer is rented only for a read that has
/// bytes waiting (after a zero-byte receive said so) and is returned as soon as the bytes are copied out.
/// </summary>
internal sealed class SocketOperation(ArrayPool<byte> pool) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
{
    private Action? _onCompleted;
    private int _abandoned;

    /// <summary>The buffer of a receive in progress, if it has one (a zero-byte receive has none).</summary>
    public byte[]? Rented { get; private set; }

    /// <summary>Where a completion that did not happen at once goes: the stage's async callback.</summary>
    public void CompleteInto(Action onCompleted) => _onCompleted = onCompleted;

    /// <summary>A receive that completes when bytes (or the peer's FIN) are readable, with no buffer held meanwhile.</summary>
    public void PrepareZeroByteReceive() => SetBuffer(Memory<byte>.Empty);

    /// <summary>A receive into a buffer rented from the pool, at least <paramref name="size"/> bytes.</summary>
    public void PrepareReceive(int size)
    {
        Rented = pool.Rent(size);
        SetBuffer(Rented, 0, Rented.Length);
    }

    public void ReturnRented()
    {
        if (Rented is not { } rented) return;
        Rented = null;
        SetBuffer(Memory<byte>.Empty);
        pool.Return(rented);
    }

    /// <summary>Points the send at <paramref name="data"/> (no copy).</summary>
    public void PrepareSend(ArraySegment<byte> data) => SetBuffer(data.Array, data.Offset, data.Count);

    /// <summary>Drops the reference to the bytes just sent.</summary>
    public void ClearSend() => SetBuffer(null, 0, 0);

    /// <summary>
    /// The stage has stopped. An operation still pending (the socket is closed, so it is completing with an error)
    /// cleans up after itself instead of calling into a stage that is gone; otherwise it is cleaned up now.
    /// </summary>
    public void Abandon(bool pending)
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 1) return;
        if (pending) return;
        ReturnRented();
        Dispose();
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (Volatile.Read(ref _abandoned) == 1)
        {
            ReturnRented();
            Dispose();
            return;
        }
        _onCompleted!();
    }
}
