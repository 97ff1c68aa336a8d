using System.Buffers.Text;

namespace LoadGen;

/// <summary>
/// The text messages of the broadcast benchmark. Data: "<publisher> <sequence> <timestamp>" (Stopwatch ticks of the
/// send) padded with '.' to the payload size; probe: "probe <number>" (readiness check before the measured phase).
/// ASCII only, so it is valid UTF-8 for the server's check.
/// </summary>
internal static class BroadcastMessage
{
    private static ReadOnlySpan<byte> ProbePrefix => "probe "u8;

    /// <summary>Shortest data message that can carry any publisher, sequence and timestamp.</summary>
    public const int MaxHeaderSize = 10 + 1 + 10 + 1 + 20;

    /// <summary>Writes a data message of max(<paramref name="payloadSize"/>, its header) bytes; returns its length.</summary>
    public static int Write(Span<byte> destination, int publisher, int sequence, long timestamp, int payloadSize)
    {
        var length = 0;
        Utf8Formatter.TryFormat(publisher, destination, out var n);
        length += n;
        destination[length++] = (byte)' ';
        Utf8Formatter.TryFormat(sequence, destination[length..], out n);
        length += n;
        destination[length++] = (byte)' ';
        Utf8Formatter.TryFormat(timestamp, destination[length..], out n);
        length += n;
        if (length < payloadSize)
        {
            destination[length..payloadSize].Fill((byte)'.');
            length = payloadSize;
        }
        return length;
    }

    public static int WriteProbe(Span<byte> destination, int number)
    {
        ProbePrefix.CopyTo(destination);
        Utf8Formatter.TryFormat(number, destination[ProbePrefix.Length..], out var n);
        return ProbePrefix.Length + n;
    }

    /// <summary>Reads a probe; false when the message is not one.</summary>
    public static bool TryReadProbe(ReadOnlySpan<byte> message, out int number)
    {
        number = 0;
        return message.StartsWith(ProbePrefix)
               && Utf8Parser.TryParse(message[ProbePrefix.Length..], out number, out var n)
               && n == message.Length - ProbePrefix.Length;
    }

    /// <summary>Reads a data message; false when it is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out int publisher, out int sequence, out long timestamp)
    {
        sequence = 0;
        timestamp = 0;
        if (!Utf8Parser.TryParse(message, out publisher, out var n) || n >= message.Length || message[n] != ' ') return false;
        message = message[(n + 1)..];
        if (!Utf8Parser.TryParse(message, out sequence, out n) || n >= message.Length || message[n] != ' ') return false;
        message = message[(n + 1)..];
        return Utf8Parser.TryParse(message, out timestamp, out n) && (n == message.Length || message[n] == '.');
    }
}
