using Akka.IO;

namespace Hub.Tls;

/// <summary>
/// The ciphertext side of one TLS connection as the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/>
/// wraps: reads take the bytes the transport delivered (and ask for more only when SslStream wants them, so reading
/// follows the transport's back-pressure), writes hand each TLS record to the stage as it is produced. It holds no
/// buffer of its own: a received chunk is kept only until SslStream has read it.
/// <para>Reads and writes come from SslStream on thread-pool threads, deliveries from the stage: state is under a
/// lock, and the stage is only ever reached through its async callbacks — except while the stage itself is inside an
/// SslStream call (<see cref="StageCalling"/>): records written then are kept for the stage to take when the call
/// returns (<see cref="TakeRecords"/>), which costs no message. A read the stage's delivery completes continues on
/// the stage's thread (decryption included) instead of hopping to the thread pool.</para>
/// </summary>
/// <param name="onRecords">Tells the stage, from another thread, that records wait in <see cref="TakeRecords"/>.</param>
/// <param name="onWantBytes">Tells the stage that SslStream waits for bytes from the transport.</param>
internal sealed class TlsPipe(Action onRecords, Action onWantBytes) : Stream
{
    private readonly object _gate = new();
    private List<ByteString>? _records;
    private bool _recordsSignalled;
    private ByteString _received = ByteString.Empty;
    private Memory<byte> _pendingBuffer;
    private TaskCompletionSource<int>? _pendingRead;
    private CancellationTokenRegistration _pendingCancel;
    private bool _ended;
    private Exception? _failure;

    /// <summary>Bytes from the transport; completes a waiting read. Called by the stage.</summary>
    public void Deliver(ByteString bytes)
    {
        TaskCompletionSource<int>? read;
        int n;
        lock (_gate)
        {
            _received = _received.IsEmpty ? bytes : _received.Concat(bytes);
            if (_pendingRead is null) return;
            read = _pendingRead;
            n = Take(_pendingBuffer.Span);
            _pendingRead = null;
            _pendingBuffer = default;
        }
        _pendingCancel.Dispose();
        read.TrySetResult(n);
    }

    /// <summary>The transport will deliver nothing more: reads see end of stream. Called by the stage.</summary>
    public void End() => Finish(null);

    /// <summary>The connection is being torn down: a waiting read fails. Called by the stage.</summary>
    public void Abort() => Finish(new IOException("the TLS connection was closed"));

    private void Finish(Exception? failure)
    {
        TaskCompletionSource<int>? read;
        lock (_gate)
        {
            _ended = true;
            _failure ??= failure;
            read = _pendingRead;
            _pendingRead = null;
            _pendingBuffer = default;
        }
        _pendingCancel.Dispose();
        if (read is null) return;
        if (failure is null) read.TrySetResult(0);
        else read.TrySetException(failure);
    }

    /// <summary>
    /// Set by the stage around its own synchronous SslStream calls (on its thread): records written meanwhile wait for
    /// <see cref="TakeRecords"/> instead of a wake-up message.
    /// </summary>
    public bool StageCalling
    {
        get { lock (_gate) return _stageCalling; }
        set { lock (_gate) _stageCalling = value; }
    }

    private bool _stageCalling;

    /// <summary>The records written since the last call, in order (null: none).</summary>
    public List<ByteString>? TakeRecords()
    {
        lock (_gate)
        {
            var records = _records;
            _records = null;
            _recordsSignalled = false;
            return records;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_failure is not null) return ValueTask.FromException<int>(_failure);
            // A zero-byte read (SslStream waiting for data without holding a buffer) completes once bytes are here.
            if (!_received.IsEmpty) return ValueTask.FromResult(Take(buffer.Span));
            if (_ended) return ValueTask.FromResult(0);
            if (_pendingRead is not null) return ValueTask.FromException<int>(new InvalidOperationException("one read at a time"));
            // Completed by Deliver, on the stage's thread: SslStream continues there (no thread-pool hop).
            _pendingRead = new TaskCompletionSource<int>();
            _pendingBuffer = buffer;
            var task = _pendingRead.Task;
            if (cancellationToken.CanBeCanceled)
                _pendingCancel = cancellationToken.Register(static s => ((TlsPipe)s!).CancelPendingRead(), this);
            onWantBytes();
            return new ValueTask<int>(task);
        }
    }

    private void CancelPendingRead()
    {
        TaskCompletionSource<int>? read;
        lock (_gate)
        {
            read = _pendingRead;
            _pendingRead = null;
            _pendingBuffer = default;
        }
        read?.TrySetCanceled();
    }

    // Under _gate: copies what fits and keeps the rest (a slice, no copy).
    private int Take(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _received.Count);
        if (n == 0) return 0;
        _received.Slice(0, n).CopyTo(ref destination, 0, n);
        _received = n == _received.Count ? ByteString.Empty : _received.Slice(n);
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // SslStream reuses its buffer after the write completes: the record is copied once, here.
        if (buffer.IsEmpty) return ValueTask.CompletedTask;
        var record = ByteString.FromBytes(buffer.ToArray());
        bool signal;
        lock (_gate)
        {
            (_records ??= new List<ByteString>(2)).Add(record);
            // The stage takes them itself when the write returns; otherwise one wake-up per batch.
            signal = !StageCalling && !_recordsSignalled;
            if (signal) _recordsSignalled = true;
        }
        if (signal) onRecords();
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush() { }

    // SslStream is only ever used asynchronously here; a synchronous call would block a thread (never on an actor).
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("TlsPipe is asynchronous only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("TlsPipe is asynchronous only");

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
