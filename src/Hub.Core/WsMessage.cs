using System.Text;

namespace Hub;

/// <summary>A complete WebSocket message as a handler receives it: text (valid UTF-8, checked) or binary.</summary>
public sealed class WsMessage
{
    private string? _text;

    internal WsMessage(bool isText, byte[] data)
    {
        IsText = isText;
        Data = data;
    }

    public bool IsText { get; }

    public bool IsBinary => !IsText;

    /// <summary>The payload bytes (UTF-8 for text messages). The array belongs to the receiver.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The text of a text message (decoded once); for binary messages, an exception.</summary>
    public string Text => IsText
        ? _text ??= Encoding.UTF8.GetString(Data.Span)
        : throw new InvalidOperationException("a binary message has no text");

    public override string ToString() => IsText ? Text : $"<{Data.Length} bytes>";
}
