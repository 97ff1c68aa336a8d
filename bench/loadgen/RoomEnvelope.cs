namespace LoadGen;

/// <summary>
/// Hub's room endpoints (Hub.Host's /chat, docs/rooms-protocol.md) wrap every room message in a JSON envelope,
/// <c>{"type":"message",…,"text":"…"}</c>; the bench peers relay the bare text. <see cref="TryUnwrap"/> returns the
/// text of a message envelope, the message itself when it is not JSON, and false for the protocol's other frames
/// (<c>joined</c>, <c>presence</c>, …) that carry no room message. The broadcast benchmark's texts are ASCII without
/// quotes or backslashes, so the text needs no unescaping.
/// </summary>
internal static class RoomEnvelope
{
    private static ReadOnlySpan<byte> MessageType => "\"type\":\"message\""u8;

    private static ReadOnlySpan<byte> TextKey => "\"text\":\""u8;

    public static bool TryUnwrap(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> message)
    {
        message = frame;
        if (frame.IsEmpty || frame[0] != (byte)'{') return true;
        message = default;
        if (frame.IndexOf(MessageType) < 0) return false;
        var start = frame.IndexOf(TextKey);
        if (start < 0) return false;
        var text = frame[(start + TextKey.Length)..];
        var end = text.IndexOf((byte)'"');
        if (end < 0) return false;
        message = text[..end];
        return true;
    }
}
