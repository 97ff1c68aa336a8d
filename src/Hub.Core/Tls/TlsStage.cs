using System.Buffers;
using System.Net.Security;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Diagnostics;

namespace Hub.Tls;

/// <summary>
/// TLS between the transport and the HTTP codec: ciphertext from the transport in, plaintext up to the decoder;
/// plaintext from the encoder in, ciphertext down to the transport. The cryptography is the BCL's
/// <see cref="SslStream"/> (OpenSSL on Linux) over a <see cref="TlsPipe"/>; this stage only moves bytes and keeps
/// the stream's rules: one read and one write in flight, reads only when the decoder wants data (so TLS passes the
/// transport's back-pressure through), writes only when the transport has taken the previous records.
/// <para>An idle connection holds no plaintext buffer: it waits with a zero-byte read, and rents a buffer only for
/// the read that follows. A handshake not done within the listener's handshake timeout, or that fails (a plain HTTP
/// request, a TLS 1.0 client, a truncated ClientHello), ends the connection after any alert SslStream wrote.</para>
/// </summary>
internal sealed class TlsStage : GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>>
{
    private readonly TlsServerContext _context;
    private readonly ListenerTelemetry _telemetry;

    public TlsStage(TlsServerContext context, ListenerTelemetry? telemetry = null)
    {
        _context = context;
        _telemetry = telemetry ?? ListenerTelemetry.Unbound;
        Shape = new BidiShape<ByteString, ByteString, ByteString, ByteString>(CipherIn, PlainOut, PlainIn, CipherOut);
    }

    /// <summary>Received bytes from the transport.</summary>
    public Inlet<ByteString> CipherIn { get; } = new("Tls.cipherIn");
    /// <summary>Decrypted bytes for the HTTP decoder.</summary>
    public Outlet<ByteString> PlainOut { get; } = new("Tls.plainOut");
    /// <summary>Bytes to send, from the HTTP encoder.</summary>
    public Inlet<ByteString> PlainIn { get; } = new("Tls.plainIn");
    /// <summary>TLS records for the transport to write.</summary>
    public Outlet<ByteString> CipherOut { get; } = new("Tls.cipherOut");

    public override BidiShape<ByteString, ByteString, ByteString, ByteString> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("Tls");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string HandshakeTimer = "handshake";
        // One TLS record's plaintext is at most 16 KiB: a read never needs more.
        private const int ReadSize = 16 * 1024;

        private readonly TlsStage _stage;
        private readonly Queue<ByteString> _records = new();
        private readonly CancellationTokenSource _handshakeCancel = new();
        private TlsPipe _pipe = null!;
        private SslStream _ssl = null!;
        private bool _handshakeDone;
        private bool _reading;
        private bool _writing;
        private bool _shutdownStarted;
        private bool _finishCipherOut;

        public Logic(TlsStage stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.CipherIn, onPush: OnCipherIn, onUpstreamFinish: () => _pipe.End(), onUpstreamFailure: FailStage);
            SetHandler(stage.PlainOut, onPull: OnPlainWanted, onDownstreamFinish: OnPlainOutCancelled);
            SetHandler(stage.PlainIn, onPush: OnPlainIn, onUpstreamFinish: OnPlainInFinished, onUpstreamFailure: FailStage);
            SetHandler(stage.CipherOut, onPull: OnCipherWanted, onDownstreamFinish: OnTransportGone);
        }

        public override void PreStart()
        {
            var onRecords = GetAsyncCallback(TakeRecords);
            var onWantBytes = GetAsyncCallback(OnWantBytes);
            _pipe = new TlsPipe(onRecords, onWantBytes);
            _ssl = new SslStream(_pipe, leaveInnerStreamOpen: true);
            var onHandshake = GetAsyncCallback<Task>(OnHandshake);
            ScheduleOnce(HandshakeTimer, _stage._context.HandshakeTimeout);
            _ssl.AuthenticateAsServerAsync(
                    static (_, hello, state, _) => ValueTask.FromResult(((TlsServerContext)state!).Select(hello.ServerName)),
                    _stage._context, _handshakeCancel.Token)
                .ContinueWith(onHandshake, TaskContinuationOptions.ExecuteSynchronously);
        }

        // ---- ciphertext in ----

        private void OnWantBytes()
        {
            if (!IsClosed(_stage.CipherIn) && !HasBeenPulled(_stage.CipherIn)) Pull(_stage.CipherIn);
        }

        private void OnCipherIn()
        {
            // A read waiting for these bytes continues here, on this thread (SslStream decrypts inline); records it
            // writes meanwhile (TLS 1.3 post-handshake messages) are taken right after.
            var bytes = Grab(_stage.CipherIn);
            CallOnStage(() =>
            {
                _pipe.Deliver(bytes);
                return Task.CompletedTask;
            });
        }

        /// <summary>
        /// Runs an SslStream call on the stage's thread with the pipe keeping the records it writes, then pushes or
        /// queues those records: no wake-up message for work the stage started itself.
        /// </summary>
        private Task CallOnStage(Func<Task> call)
        {
            Task task;
            _pipe.StageCalling = true;
            try { task = call(); }
            finally { _pipe.StageCalling = false; }
            TakeRecords();
            return task;
        }

        // ---- handshake ----

        private void OnHandshake(Task handshake)
        {
            CancelTimer(HandshakeTimer);
            if (handshake.IsCompletedSuccessfully)
            {
                _handshakeDone = true;
                HubMetrics.TlsHandshake(_ssl.SslProtocol, _stage._telemetry.ServerPort);
                if (IsAvailable(_stage.PlainOut)) StartRead();
                if (!HasBeenPulled(_stage.PlainIn) && !IsClosed(_stage.PlainIn) && _records.Count == 0) Pull(_stage.PlainIn);
                return;
            }
            var reason = handshake.Exception?.GetBaseException().Message ?? "cancelled";
            Log.Debug("TLS handshake failed: {0}", reason);
            HubMetrics.TlsHandshakeFailed(_stage._telemetry.ServerPort);
            EndConnection();
        }

        protected override void OnTimer(object timerKey)
        {
            if (timerKey is not HandshakeTimer || _handshakeDone) return;
            Log.Debug("TLS handshake not done within {0}", _stage._context.HandshakeTimeout);
            HubMetrics.TlsHandshakeFailed(_stage._telemetry.ServerPort);
            _handshakeCancel.Cancel();
            _pipe.Abort();
            EndConnection();
        }

        /// <summary>After a failed handshake: send what SslStream wrote (an alert), then close; nothing goes up.</summary>
        private void EndConnection()
        {
            if (!IsClosed(_stage.CipherIn)) Cancel(_stage.CipherIn);
            if (!IsClosed(_stage.PlainOut)) Complete(_stage.PlainOut);
            if (!IsClosed(_stage.PlainIn)) Cancel(_stage.PlainIn);
            FinishCipherOut();
        }

        // ---- plaintext out (decrypted, to the decoder) ----

        private void OnPlainWanted()
        {
            if (_handshakeDone && !_reading) StartRead();
        }

        private void StartRead()
        {
            _reading = true;
            _ = ReadAsync(_ssl, GetAsyncCallback<(ByteString Data, Exception? Error)>(OnPlainRead));
        }

        /// <summary>
        /// Waits for data without a buffer, then reads what is there into a rented one, and hands the bytes (empty =
        /// end of stream) or the failure to <paramref name="done"/>, the stage's callback.
        /// </summary>
        private static async Task ReadAsync(SslStream ssl, Action<(ByteString Data, Exception? Error)> done)
        {
            try
            {
                await ssl.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                try
                {
                    var n = await ssl.ReadAsync(buffer.AsMemory(0, ReadSize)).ConfigureAwait(false);
                    done((n == 0 ? ByteString.Empty : ByteString.CopyFrom(buffer, 0, n), null));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            catch (Exception e)
            {
                done((ByteString.Empty, e));
            }
        }

        private void OnPlainRead((ByteString Data, Exception? Error) read)
        {
            _reading = false;
            if (IsClosed(_stage.PlainOut)) return;
            if (read.Data.IsEmpty)
            {
                // The peer closed (close_notify or TCP end) or broke the record layer: the request stream ends.
                if (read.Error is { } e) Log.Debug("TLS read ended: {0}", e.GetBaseException().Message);
                Complete(_stage.PlainOut);
                return;
            }
            Push(_stage.PlainOut, read.Data);
        }

        private void OnPlainOutCancelled(Exception cause)
        {
            // The decoder wants nothing more: stop reading the socket; responses may still be going out.
            if (!IsClosed(_stage.CipherIn)) Cancel(_stage.CipherIn, cause);
        }

        // ---- plaintext in (to encrypt) and ciphertext out ----

        private void OnPlainIn()
        {
            var bytes = Grab(_stage.PlainIn);
            _writing = true;
            // SslStream encrypts on this thread and the pipe takes the records at once: the write is usually done
            // when WriteAsync returns, and its records are pushed without a message.
            var write = CallOnStage(() => WriteAsync(_ssl, bytes));
            if (write.IsCompleted) OnWritten(write);
            else write.ContinueWith(GetAsyncCallback<Task>(OnWritten), TaskContinuationOptions.ExecuteSynchronously);
        }

        /// <summary>SslStream encrypts from a contiguous buffer: the bytes are copied into a rented one for the write.</summary>
        private static async Task WriteAsync(SslStream ssl, ByteString bytes)
        {
            var count = bytes.Count;
            var buffer = ArrayPool<byte>.Shared.Rent(count);
            try
            {
                bytes.CopyTo(buffer, 0, count);
                await ssl.WriteAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void OnWritten(Task write)
        {
            _writing = false;
            if (!write.IsCompletedSuccessfully)
            {
                Log.Debug("TLS write failed: {0}", write.Exception?.GetBaseException().Message ?? "cancelled");
                EndConnection();
                return;
            }
            PullPlainWhenDrained();
        }

        /// <summary>Queues (or pushes) the records SslStream wrote since the last call, in order.</summary>
        private void TakeRecords()
        {
            if (_pipe.TakeRecords() is not { } records || IsClosed(_stage.CipherOut)) return;
            foreach (var record in records)
            {
                if (_records.Count == 0 && IsAvailable(_stage.CipherOut)) Push(_stage.CipherOut, record);
                else _records.Enqueue(record);
            }
        }

        private void OnCipherWanted()
        {
            if (_records.Count > 0) Push(_stage.CipherOut, _records.Dequeue());
            if (_records.Count > 0) return;
            if (_finishCipherOut) { Complete(_stage.CipherOut); return; }
            PullPlainWhenDrained();
        }

        /// <summary>The encoder's next element is taken only once the transport has all records of the previous one.</summary>
        private void PullPlainWhenDrained()
        {
            if (!_handshakeDone || _writing || _records.Count > 0) return;
            if (IsClosed(_stage.PlainIn))
            {
                if (_shutdownStarted || _finishCipherOut) return;
                // Everything is written: say goodbye with close_notify, then end the transport's output.
                _shutdownStarted = true;
                var shutdown = CallOnStage(_ssl.ShutdownAsync);
                if (shutdown.IsCompleted) FinishCipherOut();
                else shutdown.ContinueWith(GetAsyncCallback<Task>(_ => FinishCipherOut()), TaskContinuationOptions.ExecuteSynchronously);
                return;
            }
            if (!HasBeenPulled(_stage.PlainIn)) Pull(_stage.PlainIn);
        }

        private void OnPlainInFinished()
        {
            if (!_handshakeDone) { EndConnection(); return; }
            PullPlainWhenDrained();
        }

        private void FinishCipherOut()
        {
            _finishCipherOut = true;
            if (_records.Count == 0 && !IsClosed(_stage.CipherOut)) Complete(_stage.CipherOut);
        }

        private void OnTransportGone(Exception cause)
        {
            if (cause is SubscriptionWithCancelException.NonFailureCancellation) CompleteStage();
            else FailStage(cause);
        }

        public override void PostStop()
        {
            _handshakeCancel.Cancel();
            _pipe.Abort();
            _ssl.Dispose();
            _handshakeCancel.Dispose();
        }
    }
}
