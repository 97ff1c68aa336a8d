using System.Text;
using System.Text.Json;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub.Core.Tests.Rooms;

/// <summary>The server → client JSON frames of docs/rooms-protocol.md, field by field.</summary>
public sealed class RoomEnvelopesTests
{
    private static string Json(PreparedFrame frame)
    {
        Assert.True(frame.IsText);
        return Encoding.UTF8.GetString(frame.PayloadToArray());
    }

    private static JsonElement Parse(PreparedFrame frame)
    {
        using var doc = JsonDocument.Parse(Json(frame));
        return doc.RootElement.Clone();
    }

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    private static RoomMessage Message(PreparedFrame frame) => new("chat", "k7f3q2", 18, frame, null, 0);

    [Fact]
    public void Text_message_frame_carries_room_position_and_text()
    {
        var e = Parse(RoomEnvelopes.Message(Message(PreparedFrame.Text("hello"))));
        Assert.Equal(["type", "room", "epoch", "offset", "position", "text"], Names(e));
        Assert.Equal("message", e.GetProperty("type").GetString());
        Assert.Equal("chat", e.GetProperty("room").GetString());
        Assert.Equal("k7f3q2", e.GetProperty("epoch").GetString());
        Assert.Equal(18, e.GetProperty("offset").GetInt64());
        Assert.Equal("k7f3q2:18", e.GetProperty("position").GetString());
        Assert.Equal("hello", e.GetProperty("text").GetString());
    }

    [Fact]
    public void Binary_message_frame_carries_base64()
    {
        byte[] data = [0, 1, 2, 0xFF, 0xFE, 0x80];
        var e = Parse(RoomEnvelopes.Message(Message(PreparedFrame.Binary(data))));
        Assert.Equal(["type", "room", "epoch", "offset", "position", "binary"], Names(e));
        Assert.Equal(Convert.ToBase64String(data), e.GetProperty("binary").GetString());
        Assert.Equal(data, e.GetProperty("binary").GetBytesFromBase64());
    }

    [Fact]
    public void Non_ascii_text_is_not_escaped()
    {
        const string text = "héllo ✓ 中文 — привет";
        var frame = RoomEnvelopes.Message(Message(PreparedFrame.Text(text)));
        var json = Json(frame);
        Assert.Contains(text, json, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", json, StringComparison.Ordinal);
        Assert.Equal(text, Parse(frame).GetProperty("text").GetString());
    }

    [Fact]
    public void Emoji_outside_the_basic_plane_round_trip()
    {
        const string text = "ok 😀 👍🏽";
        var frame = RoomEnvelopes.Message(Message(PreparedFrame.Text(text)));
        // System.Text.Json escapes characters outside the basic plane even with relaxed escaping; still the same text.
        Assert.Equal(text, Parse(frame).GetProperty("text").GetString());
    }

    [Fact]
    public void Quotes_backslashes_and_control_characters_stay_valid_json()
    {
        const string text = "say \"hi\" \\ back\n\t\u0001 </script>";
        Assert.Equal(text, Parse(RoomEnvelopes.Message(Message(PreparedFrame.Text(text)))).GetProperty("text").GetString());
    }

    [Fact]
    public void Joined_frame_without_since_is_recovered_with_0_missed()
    {
        var e = Parse(RoomEnvelopes.Joined("chat", new RoomJoinResult(new RoomPosition("k7f3q2", 17), true, 0, null, "c-2f9a1")));
        Assert.Equal(["type", "room", "epoch", "offset", "position", "recovered", "missed", "member"], Names(e));
        Assert.Equal("joined", e.GetProperty("type").GetString());
        Assert.Equal("chat", e.GetProperty("room").GetString());
        Assert.Equal("k7f3q2", e.GetProperty("epoch").GetString());
        Assert.Equal(17, e.GetProperty("offset").GetInt64());
        Assert.Equal("k7f3q2:17", e.GetProperty("position").GetString());
        Assert.True(e.GetProperty("recovered").GetBoolean());
        Assert.Equal(0, e.GetProperty("missed").GetInt32());
        Assert.Equal("c-2f9a1", e.GetProperty("member").GetString());
    }

    [Fact]
    public void Joined_frame_not_recovered_carries_the_reason()
    {
        var e = Parse(RoomEnvelopes.Joined("chat", new RoomJoinResult(new RoomPosition("p0x9aa", 3), false, 0, "epoch-changed", "c-1")));
        Assert.False(e.GetProperty("recovered").GetBoolean());
        Assert.Equal("epoch-changed", e.GetProperty("reason").GetString());
        Assert.Equal("c-1", e.GetProperty("member").GetString());
    }

    [Fact]
    public void Joined_frame_of_a_recovered_resume_lets_the_client_find_its_since()
    {
        var e = Parse(RoomEnvelopes.Joined("chat", new RoomJoinResult(new RoomPosition("k7f3q2", 17), true, 3, null, "c-1")));
        Assert.Equal(14, e.GetProperty("offset").GetInt64() - e.GetProperty("missed").GetInt32());
    }

    [Fact]
    public void Reset_frame_carries_where_the_stream_continues_and_why()
    {
        var e = Parse(RoomEnvelopes.Reset("chat", new RoomPosition("p0x9aa", 0), "epoch-changed"));
        Assert.Equal(["type", "room", "epoch", "offset", "position", "recovered", "reason"], Names(e));
        Assert.Equal("reset", e.GetProperty("type").GetString());
        Assert.Equal("chat", e.GetProperty("room").GetString());
        Assert.Equal("p0x9aa", e.GetProperty("epoch").GetString());
        Assert.Equal(0, e.GetProperty("offset").GetInt64());
        Assert.Equal("p0x9aa:0", e.GetProperty("position").GetString());
        Assert.False(e.GetProperty("recovered").GetBoolean());
        Assert.Equal("epoch-changed", e.GetProperty("reason").GetString());
    }

    [Fact]
    public void Presence_frame_carries_event_member_user_and_node_but_no_position()
    {
        var join = Parse(RoomEnvelopes.Presence(new PresenceEvent("chat", true, new PresenceMember("c-2f9a1", "alice", "akka.tcp://hub@127.0.0.1:4053"))));
        Assert.Equal(["type", "room", "event", "member", "user", "node"], Names(join));
        Assert.Equal("presence", join.GetProperty("type").GetString());
        Assert.Equal("chat", join.GetProperty("room").GetString());
        Assert.Equal("join", join.GetProperty("event").GetString());
        Assert.Equal("c-2f9a1", join.GetProperty("member").GetString());
        Assert.Equal("alice", join.GetProperty("user").GetString());
        Assert.Equal("akka.tcp://hub@127.0.0.1:4053", join.GetProperty("node").GetString());

        var leave = Parse(RoomEnvelopes.Presence(new PresenceEvent("chat", false, new PresenceMember("c-2", null, "akka://hub"))));
        Assert.Equal("leave", leave.GetProperty("event").GetString());
        Assert.False(leave.TryGetProperty("user", out _));
    }

    [Fact]
    public void Pong_frame_is_type_pong()
    {
        var e = Parse(RoomEnvelopes.Pong);
        Assert.Equal(["type"], Names(e));
        Assert.Equal("pong", e.GetProperty("type").GetString());
    }

    [Fact]
    public void Frames_rendered_one_after_another_do_not_share_bytes()
    {
        // The render buffer is reused per thread: each frame must own a copy of its bytes.
        var first = RoomEnvelopes.Message(Message(PreparedFrame.Text("first, and longer than the second")));
        var second = RoomEnvelopes.Message(Message(PreparedFrame.Text("2nd")));
        Assert.Equal("first, and longer than the second", Parse(first).GetProperty("text").GetString());
        Assert.Equal("2nd", Parse(second).GetProperty("text").GetString());
    }

    [Fact]
    public void A_large_message_renders_whole()
    {
        var text = new string('x', 200_000);
        Assert.Equal(text, Parse(RoomEnvelopes.Message(Message(PreparedFrame.Text(text)))).GetProperty("text").GetString());
    }
}
