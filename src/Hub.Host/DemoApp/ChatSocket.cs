namespace Hub.Host.DemoApp;

/// <summary>
/// WebSocket /chat: the room "chat" as a <see cref="RoomSocket"/>. Every text message from any client goes to every
/// /chat client, the sender included, framed once and in per-sender order, as a JSON envelope carrying its position
/// (<c>{"type":"message","room":"chat","epoch":…,"offset":…,"position":"epoch:offset","text":…}</c>). A client that
/// reconnects with <c>?since=epoch:offset</c> gets exactly the messages it missed, or <c>"recovered":false</c> in the
/// first (<c>joined</c>) frame — docs/rooms-protocol.md. Binary messages are ignored (the chat is text).
/// </summary>
public sealed class ChatSocket : RoomSocket
{
    public const string Room = "chat";

    public ChatSocket() : base(Room) { }

    protected override bool PublishesBinary => false;
}
