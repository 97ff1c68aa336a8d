using System.Text;
using System.Text.RegularExpressions;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.Http;
using Hub.Http.Codec;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Http;

/// <summary>The encoder stage: framing per response (Content-Length, chunked, close-delimited), HEAD and no-body suppression, 100 Continue, raw bytes.</summary>
public sealed partial class Http1EncoderStageSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default, output: output)
{
    private static readonly HttpSettings Settings = HubSettings.Default.Http;

    [Fact]
    public Task Renders_a_whole_Content_Length_response_as_one_ByteString() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            sub.Request(1);
            await pub.SendNextAsync(Head(200, ResponseFraming.ContentLength, "Hello, world", isLast: true));
            var bytes = await sub.ExpectNextAsync();
            Assert.Equal(
                "HTTP/1.1 200 OK\r\nDate: X\r\nServer: Hub\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\nHello, world",
                WithoutDate(bytes));
            var r = ResponseParser.ParseSingle(bytes.ToArray());
            Assert.Equal("Hello, world"u8.ToArray(), r.Body);
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Frames_a_streamed_response_as_chunks_and_ends_it_with_the_last_chunk() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(Head(200, ResponseFraming.Chunked, "Update 0\n", isLast: false));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.FromString("Update 1\n"), isLast: false));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.Empty, isLast: false));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.FromString("Update 2\n"), isLast: true));
            await pub.SendCompleteAsync();
            var elements = await drained;

            // The empty, non-last chunk produced no bytes at all (an empty chunk would end the body).
            Assert.Equal(3, elements.Count);
            Assert.EndsWith("\r\n\r\n9\r\nUpdate 0\n\r\n", WithoutDate(elements[0]));
            Assert.Equal("9\r\nUpdate 1\n\r\n", elements[1].ToString());
            Assert.Equal("9\r\nUpdate 2\n\r\n0\r\n\r\n", elements[2].ToString());
            var r = ResponseParser.ParseSingle(Concat(elements));
            Assert.True(r.Chunked);
            Assert.Equal("Update 0\nUpdate 1\nUpdate 2\n", Encoding.ASCII.GetString(r.Body));
        }, Sys.Materializer());

    [Fact]
    public Task Ends_a_chunked_body_with_an_empty_last_chunk() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            sub.Request(2);
            await pub.SendNextAsync(Head(200, ResponseFraming.Chunked, "", isLast: false));
            Assert.EndsWith("Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n", WithoutDate(await sub.ExpectNextAsync()));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.Empty, isLast: true));
            Assert.Equal("0\r\n\r\n", (await sub.ExpectNextAsync()).ToString());
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Suppresses_the_body_of_a_HEAD_response_but_keeps_its_Content_Length() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            sub.Request(1);
            await pub.SendNextAsync(Head(200, ResponseFraming.ContentLength, "Hello, world", isLast: true, suppressBody: true));
            var text = WithoutDate(await sub.ExpectNextAsync());
            Assert.Contains("\r\nContent-Length: 12\r\n", text);
            Assert.EndsWith("\r\n\r\n", text);
            Assert.DoesNotContain("Hello", text);
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Suppresses_every_chunk_of_a_streamed_HEAD_response_including_the_last() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(Head(200, ResponseFraming.Chunked, "a", isLast: false, suppressBody: true));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.FromString("b"), isLast: false));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.FromString("c"), isLast: true));
            // The next response on the connection is framed normally again.
            await pub.SendNextAsync(Head(200, ResponseFraming.ContentLength, "ok", isLast: true));
            await pub.SendCompleteAsync();
            var elements = await drained;

            Assert.Equal(2, elements.Count);
            Assert.EndsWith("Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n", WithoutDate(elements[0]));
            Assert.Empty(ResponseParser.ParseSingle(elements[0].ToArray(), toHeadRequest: true).Body);
            Assert.Equal("ok"u8.ToArray(), ResponseParser.ParseSingle(elements[1].ToArray()).Body);
        }, Sys.Materializer());

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    [InlineData(101)]
    public Task Sends_no_body_and_no_length_for_statuses_without_content(int status) =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            sub.Request(1);
            await pub.SendNextAsync(Head(status, ResponseFraming.NoBody, "ignored", isLast: true));
            var text = WithoutDate(await sub.ExpectNextAsync());
            Assert.StartsWith($"HTTP/1.1 {status} ", text);
            Assert.DoesNotContain("Content-Length", text);
            Assert.DoesNotContain("Transfer-Encoding", text);
            Assert.EndsWith("\r\n\r\n", text);
            Assert.DoesNotContain("ignored", text);
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Writes_a_close_delimited_body_as_is() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(Head(200, ResponseFraming.CloseDelimited, "part 1,", isLast: false, connection: ConnectionMode.Close));
            await pub.SendNextAsync(new HttpOutbound.Chunk(ByteString.FromString(" part 2"), isLast: true));
            await pub.SendCompleteAsync();
            var elements = await drained;
            Assert.Equal(" part 2", elements[1].ToString());
            var r = ResponseParser.ParseSingle(Concat(elements));
            Assert.Equal("close", r.Header("Connection"));
            Assert.Null(r.Header("Content-Length"));
            Assert.Equal("part 1, part 2", Encoding.ASCII.GetString(r.Body));
        }, Sys.Materializer());

    [Fact]
    public Task Writes_the_interim_100_Continue() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            sub.Request(1);
            await pub.SendNextAsync(HttpOutbound.Continue.Instance);
            Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", (await sub.ExpectNextAsync()).ToString());
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Passes_raw_bytes_through_untouched_and_skips_empty_ones() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            var drained = sub.DrainAsync();
            var frame = ByteString.FromBytes([0x81, 0x02, (byte)'h', (byte)'i']);
            await pub.SendNextAsync(new HttpOutbound.Raw(frame));
            await pub.SendNextAsync(new HttpOutbound.Raw(ByteString.Empty));
            await pub.SendNextAsync(new HttpOutbound.Raw(frame));
            await pub.SendCompleteAsync();
            var elements = await drained;
            Assert.Equal(2, elements.Count);
            Assert.Same(frame, elements[0]);
        }, Sys.Materializer());

    [Fact]
    public Task Omits_the_Server_header_when_configured_empty() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { ServerHeader = "" });
            sub.Request(1);
            await pub.SendNextAsync(Head(200, ResponseFraming.ContentLength, "x", isLast: true));
            Assert.DoesNotContain("Server:", WithoutDate(await sub.ExpectNextAsync()));
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Renders_pipelined_responses_in_order_with_their_own_framing() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize();
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(Head(200, ResponseFraming.Chunked, "a", isLast: true));
            await pub.SendNextAsync(Head(404, ResponseFraming.ContentLength, "nope", isLast: true));
            await pub.SendNextAsync(Head(200, ResponseFraming.ContentLength, "", isLast: true, connection: ConnectionMode.KeepAlive10));
            await pub.SendCompleteAsync();
            var responses = ResponseParser.ParseAll(Concat(await drained));
            Assert.Equal([200, 404, 200], responses.Select(r => r.Status));
            Assert.Equal(["a", "nope", ""], responses.Select(r => Encoding.ASCII.GetString(r.Body)));
            Assert.True(responses[0].Chunked);
            Assert.Equal("keep-alive", responses[2].Header("Connection"));
        }, Sys.Materializer());

    [Fact]
    public Task Waits_for_demand_before_pulling_the_next_element() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var counter = new PullCounter<HttpOutbound>();
            var (pub, sub) = Materialize(Settings, counter);
            await pub.SendNextAsync(HttpOutbound.Continue.Instance);
            await sub.EnsureSubscriptionAsync();
            await sub.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
            Assert.Equal(0, counter.Pulls);
            sub.Request(1);
            await sub.ExpectNextAsync();
            Assert.Equal(1, counter.Pulls);
            await pub.SendCompleteAsync();
            sub.Request(1);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    private static HttpOutbound.Head Head(int status, ResponseFraming framing, string body, bool isLast,
        bool suppressBody = false, ConnectionMode connection = ConnectionMode.KeepAlive11)
    {
        var headers = new HttpHeaders();
        headers.Add("Content-Type", "text/plain");
        var bytes = ByteString.FromString(body);
        return new HttpOutbound.Head(status, null, headers, framing, bytes.Count, connection, suppressBody, bytes, isLast);
    }

    private (TestPublisher.Probe<HttpOutbound> Pub, TestSubscriber.Probe<ByteString> Sub) Materialize(
        HttpSettings? settings = null, PullCounter<HttpOutbound>? counter = null) =>
        this.SourceProbe<HttpOutbound>()
            .Via(counter ?? new PullCounter<HttpOutbound>())
            .Via(new Http1EncoderStage(settings ?? Settings))
            .ToMaterialized(this.SinkProbe<ByteString>(), Keep.Both)
            .Run(Sys.Materializer());

    private static byte[] Concat(IEnumerable<ByteString> parts) => parts.SelectMany(p => p.ToArray()).ToArray();

    private static string WithoutDate(ByteString bytes) => DateLine().Replace(bytes.ToString(Encoding.UTF8), "Date: X\r\n");

    [GeneratedRegex(@"Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n")]
    private static partial Regex DateLine();
}
