using System.Text.Json;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub;

/// <summary>
/// A ready-made WebSocket endpoint for one room speaking docs/rooms-protocol.md: JSON envelopes with positions,
/// resume with <c>?since=epoch:offset</c>, presence with <c>?presence=1</c> and <c>?user=</c>. Map it with
/// <c>r.MapRoom("/rooms/{room}")</c> (room from the route) or <c>r.Map&lt;RoomSocket&gt;("/lobby", null, "lobby")</c>;
/// subclass it to authorize, pick the user id, or filter what clients may publish.
/// <para>Clients that select subprotocol <c>hub.v1</c> send JSON commands (<c>publish</c>, <c>ping</c>); others
/// publish every text frame as it is.</para>
/// <para>What a client receives is its choice where <see cref="EnvelopesByDefault"/> is false (Tornado's chat): the
/// published text itself, unless it asks for the room protocol with <c>hub.v1</c>, <c>?since=</c>,
/// <c>?envelope=1</c> or <c>?presence=1</c>.</para>
/// </summary>
public class RoomSocket : WebSocketHandler
{
    /// <summary>The subprotocol of JSON client commands.</summary>
    public const string Subprotocol = "hub.v1";

    private readonly string? _room;
    private RoomPosition? _since;

    /// <summary>The room is the route's <c>{room}</c> value.</summary>
    public RoomSocket() { }

    /// <summary>Always this room.</summary>
    public RoomSocket(string room) => _room = room;

    /// <summary>The room this socket is in.</summary>
    public virtual string RoomName => _room ?? RouteValues["room"];

    /// <summary>The user id shown in presence. Default: <see cref="RequestHandler.CurrentUser"/> when there is one
    /// (override <see cref="RequestHandler.GetCurrentUserAsync"/>), else the <c>user</c> query argument.</summary>
    protected virtual string? UserId => CurrentUser ?? GetQueryArgument("user", null);

    /// <summary>Whether binary client frames are published (as base64 <c>binary</c> envelopes). Default: true.</summary>
    protected virtual bool PublishesBinary => true;

    /// <summary>
    /// Whether a client that asks for nothing gets JSON envelopes (true, the default) or exactly the published
    /// payloads as text and binary frames (false: Tornado's chat, where a line sent is the line every client gets).
    /// A client asks for envelopes with subprotocol <c>hub.v1</c>, <c>?since=</c>, <c>?envelope=1</c> or
    /// <c>?presence=1</c> (presence frames are envelopes); <c>?envelope=0</c> asks for plain payloads.
    /// </summary>
    protected virtual bool EnvelopesByDefault => true;

    /// <summary>Whether this socket receives envelopes, decided before <see cref="OpenAsync"/> from what the client asked.</summary>
    public bool Envelopes => SelectedSubprotocol == Subprotocol || _since is not null || _presence
                             || (_envelope ?? EnvelopesByDefault);

    private bool _presence;
    private bool? _envelope;

    /// <summary>The join's outcome, once <see cref="OpenAsync"/> completed.</summary>
    public RoomJoinResult? Join { get; private set; }

    /// <summary>Rejects a malformed <c>since</c> with 400 before the upgrade.</summary>
    public override Task PrepareAsync()
    {
        var since = GetQueryArgument("since", null);
        if (since is not null)
        {
            if (!RoomPosition.TryParse(since, out var position))
                throw new HttpError(400, "since must be epoch:offset") { Reason = "Bad Request" };
            _since = position;
        }
        _presence = GetQueryArgument("presence", "0") is "1" or "true";
        _envelope = GetQueryArgument("envelope", null) switch
        {
            null => null,
            "1" or "true" => true,
            "0" or "false" => false,
            _ => throw new HttpError(400, "envelope must be 1 or 0") { Reason = "Bad Request" },
        };
        return Task.CompletedTask;
    }

    public override string? SelectSubprotocol(IReadOnlyList<string> offered) => offered.Contains(Subprotocol) ? Subprotocol : null;

    public override async Task OpenAsync()
    {
        Join = await Rooms.JoinAsync(RoomName, new RoomJoinOptions
        {
            Since = _since,
            User = UserId,
            Envelopes = Envelopes,
            // Envelope clients that neither resume nor speak hub.v1 get only message frames: each carries its position.
            SendJoined = _since is not null || SelectedSubprotocol == Subprotocol,
            Presence = _presence ? PresenceDelivery.Client : PresenceDelivery.None,
        });
    }

    public override Task OnMessageAsync(WsMessage message)
    {
        if (SelectedSubprotocol == Subprotocol) return OnCommandAsync(message);
        if (message.IsText) Rooms.Publish(RoomName, message.Text);
        else if (PublishesBinary) Rooms.Publish(RoomName, message.Data.Span);
        return Task.CompletedTask;
    }

    private Task OnCommandAsync(WsMessage message)
    {
        if (!message.IsText)
        {
            Close(CloseCodes.UnsupportedData, "hub.v1 commands are JSON text");
            return Task.CompletedTask;
        }
        string? type, text = null, id = null;
        try
        {
            using var json = JsonDocument.Parse(message.Data);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            {
                Close(CloseCodes.UnsupportedData, "command needs a string \"type\"");
                return Task.CompletedTask;
            }
            type = t.GetString();
            if (json.RootElement.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String) text = x.GetString();
            if (json.RootElement.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String) id = i.GetString();
        }
        catch (JsonException)
        {
            Close(CloseCodes.InvalidPayloadData, "command is not JSON");
            return Task.CompletedTask;
        }
        switch (type)
        {
            case "publish" when text is not null && id is not null:
                // Not awaited: the socket goes on with its next command while the owner answers.
                _ = AcknowledgedPublishAsync(text, id);
                return Task.CompletedTask;
            case "publish" when text is not null:
                Rooms.Publish(RoomName, text);
                return Task.CompletedTask;
            case "ping":
                return WriteMessageAsync(RoomEnvelopes.Pong);
            default:
                Close(CloseCodes.UnsupportedData, $"unknown command '{type}'");
                return Task.CompletedTask;
        }
    }

    /// <summary>A publish with an <c>id</c>: answered with <c>published</c> (its position) or <c>publish-failed</c>.</summary>
    private async Task AcknowledgedPublishAsync(string text, string id)
    {
        PreparedFrame answer;
        try
        {
            answer = PublishAckEnvelopes.Published(RoomName, id, await Rooms.PublishAsync(RoomName, text));
        }
        catch (RoomPublishTimeoutException)
        {
            answer = PublishAckEnvelopes.Failed(RoomName, id, "timeout");
        }
        catch (ArgumentException)
        {
            answer = PublishAckEnvelopes.Failed(RoomName, id, "too-large");
        }
        try
        {
            await WriteMessageAsync(answer);
        }
        catch (ConnectionClosedException)
        {
            // The publisher left before the answer: nobody to tell.
        }
    }
}
