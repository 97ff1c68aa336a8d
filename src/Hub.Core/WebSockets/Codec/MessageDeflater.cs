using System.IO.Compression;

namespace Hub.WebSockets.Codec;

/// <summary>
/// Compresses outgoing messages for permessage-deflate (RFC 7692 §7.2.1): deflate, sync-flush, drop the trailing
/// 00 00 FF FF. With context takeover one DeflateStream lives as long as the socket (its window helps the next
/// message); with server_no_context_takeover each message starts from a fresh state.
/// </summary>
internal sealed class MessageDeflater : IDisposable
{
    private readonly bool _noContextTakeover;
    private readonly MemoryStream _output = new();
    private DeflateStream? _deflate;

    public MessageDeflater(bool noContextTakeover) => _noContextTakeover = noContextTakeover;

    public byte[] Compress(ReadOnlySpan<byte> payload)
    {
        _output.SetLength(0);
        _deflate ??= new DeflateStream(_output, CompressionLevel.Fastest, leaveOpen: true);
        _deflate.Write(payload);
        _deflate.Flush(); // Z_SYNC_FLUSH: ends with an empty stored block, 00 00 FF FF
        var length = (int)_output.Length;
        var buffer = _output.GetBuffer();
        var compressed = length >= 4 && buffer[length - 4] == 0 && buffer[length - 3] == 0 && buffer[length - 2] == 0xFF && buffer[length - 1] == 0xFF
            ? buffer.AsSpan(0, length - 4).ToArray()
            : buffer.AsSpan(0, length).ToArray();
        if (_noContextTakeover)
        {
            _deflate.Dispose();
            _deflate = null;
        }
        return compressed;
    }

    public void Dispose()
    {
        _deflate?.Dispose();
        _output.Dispose();
    }
}
