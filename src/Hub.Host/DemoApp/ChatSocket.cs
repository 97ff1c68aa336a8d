namespace Hub.Host.DemoApp;

/// <summary>
/// WebSocket /chat: the room "chat" as a <see cref="RoomSocket"/>, Tornado's chat first. Every text message from any
/// client goes to every /chat client, the sender included, framed once and in per-sender order, as exactly the text
/// that was sent. A client that asks for the room protocol (subprotocol <c>hub.v1</c>, <c>?since=</c>,
/// <c>?envelope=1</c> or <c>?presence=1</c>) gets JSON envelopes carrying positions instead
/// (<c>{"type":"message","room":"chat","epoch":…,"offset":…,"position":"epoch:offset","text":…}</c>), and with
/// <c>?since=epoch:offset</c> exactly the messages it missed, or <c>"recovered":false</c> in the first (<c>joined</c>)
/// frame — docs/rooms-protocol.md. Binary messages are ignored (the chat is text). A signed-in user (/login) is the
/// member's <c>user</c> in presence.
/// </summary>
public sealed class ChatSocket : RoomSocket
{
    public const string Room = "chat";

    public ChatSocket() : base(Room) { }

    public override Task<string?> GetCurrentUserAsync() => UserCookie.Read(this);

    protected override bool PublishesBinary => false;

    protected override bool EnvelopesByDefault => false;
}
