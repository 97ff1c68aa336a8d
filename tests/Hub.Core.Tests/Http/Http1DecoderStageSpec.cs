using System.Text;
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

/// <summary>
/// The decoder stage: one element per pull, reads only on demand, rejects once and completes, and owns the
/// keep-alive and request-headers timers.
/// </summary>
public sealed class Http1DecoderStageSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default, output: output)
{
    private const string SimpleGet = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";
    private const string ChunkedPost =
        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n";

    private static readonly HttpSettings Settings = HubSettings.Default.Http;

    // A stream per split point (about a hundred): the bound is a hang guard sized for a loaded 2-core CI box, not a
    // speed expectation.
    private static readonly TimeSpan ManySplits = TimeSpan.FromMinutes(2);

    [Theory]
    [MemberData(nameof(Requests.SplitEverywhere), SimpleGet, MemberType = typeof(Requests))]
    public Task Emits_one_head_however_the_bytes_are_split(Chunks chunks) =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            sub.Request(1);
            foreach (var c in chunks.ToByteStrings()) await pub.SendNextAsync(c);
            var head = Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            Assert.Equal("/a", head.Request.Target);
            Assert.Equal("t", head.Request.Host);
            Assert.False(head.BodyFollows);
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Emits_body_parts_then_End_however_a_chunked_body_is_split() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var settings = Settings with { BodyChunkSize = 4 };
            foreach (var chunks in Requests.Splits(Requests.Bytes(ChunkedPost)))
            {
                var (pub, sub) = Materialize(settings);
                var drained = sub.DrainAsync();
                foreach (var c in chunks.ToByteStrings()) await pub.SendNextAsync(c);
                await pub.SendCompleteAsync();
                var elements = await drained;

                Assert.True(elements.Count >= 4, chunks.ToString());
                var head = Assert.IsType<HttpInbound.Head>(elements[0]);
                Assert.True(head.BodyFollows);
                var parts = elements.Skip(1).SkipLast(1).Select(e => Assert.IsType<HttpInbound.BodyPart>(e).Data).ToList();
                Assert.All(parts, p => Assert.InRange(p.Count, 1, 4));
                Assert.Equal("hello world", string.Concat(parts.Select(p => p.ToString(Encoding.ASCII))));
                Assert.IsType<HttpInbound.End>(elements[^1]);
            }
        }, Sys.Materializer(), ManySplits);

    [Fact]
    public Task Emits_a_Content_Length_body_in_slices_then_End() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { BodyChunkSize = 5 });
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(ByteString.FromString("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nHello, world"));
            await pub.SendCompleteAsync();
            var elements = await drained;
            Assert.IsType<HttpInbound.Head>(elements[0]);
            Assert.Equal(["Hello", ", wor", "ld"], elements.Skip(1).SkipLast(1).Select(e => ((HttpInbound.BodyPart)e).Data.ToString()));
            Assert.IsType<HttpInbound.End>(elements[^1]);
        }, Sys.Materializer());

    [Fact]
    public Task Does_not_read_the_socket_before_downstream_asks() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var counter = new PullCounter<ByteString>();
            var (pub, sub) = Materialize(Settings, counter);
            await pub.SendNextAsync(ByteString.FromString(SimpleGet));
            await sub.EnsureSubscriptionAsync();
            await sub.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
            Assert.Equal(0, counter.Pulls);

            sub.Request(1);
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            Assert.Equal(1, counter.Pulls);
            await pub.SendCompleteAsync();
            sub.Request(1);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Emits_pipelined_requests_one_per_pull_without_reading_more() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var counter = new PullCounter<ByteString>();
            var (pub, sub) = Materialize(Settings, counter);
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString(
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"));
            Assert.Equal("/1", Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync()).Request.Target);

            // Nothing more is parsed or pushed without demand, and nothing more is read while requests are buffered.
            await sub.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
            Assert.Equal(1, counter.Pulls);

            sub.Request(1);
            Assert.Equal("/2", Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync()).Request.Target);
            sub.Request(2);
            Assert.Equal("hi", Assert.IsType<HttpInbound.BodyPart>(await sub.ExpectNextAsync()).Data.ToString());
            Assert.IsType<HttpInbound.End>(await sub.ExpectNextAsync());
            sub.Request(1);
            Assert.Equal("/3", Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync()).Request.Target);
            Assert.Equal(1, counter.Pulls);

            // Only now, with the buffer empty and demand present, is the socket read again.
            sub.Request(1);
            await AwaitConditionAsync(() => Task.FromResult(counter.Pulls == 2));
            await pub.SendCompleteAsync();
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Emits_Rejected_then_completes_and_cancels_the_input() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            sub.Request(5);
            await pub.SendNextAsync(ByteString.FromString("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
            var rejected = Assert.IsType<HttpInbound.Rejected>(await sub.ExpectNextAsync());
            Assert.Equal(RejectionReason.UnsupportedVersion, rejected.Reason);
            Assert.Equal(505, rejected.Status);
            await sub.ExpectCompleteAsync();
            await pub.ExpectCancellationAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Answers_the_requests_before_a_bad_one_then_rejects_it() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(ByteString.FromString(SimpleGet + "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
            var elements = await drained;
            Assert.Equal(2, elements.Count);
            Assert.IsType<HttpInbound.Head>(elements[0]);
            Assert.Equal(400, Assert.IsType<HttpInbound.Rejected>(elements[1]).Status);
        }, Sys.Materializer());

    [Fact]
    public Task Rejects_an_endless_request_line_with_414_without_waiting_for_it_to_end() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { MaxRequestLineSize = 64 });
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString("GET /" + new string('a', 40)));
            await pub.SendNextAsync(ByteString.FromString(new string('a', 40)));
            Assert.Equal(414, Assert.IsType<HttpInbound.Rejected>(await sub.ExpectNextAsync()).Status);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Rejects_a_chunked_body_over_the_limit_after_the_parts_within_it() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { MaxRequestBodySize = 8 });
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(ByteString.FromString("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\n"));
            var elements = await drained;
            Assert.IsType<HttpInbound.Head>(elements[0]);
            Assert.Equal("hello", Assert.IsType<HttpInbound.BodyPart>(elements[1]).Data.ToString());
            Assert.Equal(413, Assert.IsType<HttpInbound.Rejected>(elements[2]).Status);
        }, Sys.Materializer());

    [Fact]
    public Task Closes_an_idle_keep_alive_connection_quietly_when_the_timer_fires() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { KeepAliveTimeout = TimeSpan.FromMilliseconds(200) });
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString(SimpleGet));
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            // Waiting for the next request: idle, so the stage completes without a rejection.
            sub.Request(1);
            await sub.ExpectCompleteAsync();
            await pub.ExpectCancellationAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Does_not_run_the_keep_alive_timer_while_a_request_is_being_handled() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { KeepAliveTimeout = TimeSpan.FromMilliseconds(100) });
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString(SimpleGet));
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            // No demand = the handler is still working: several timeouts pass and the stage stays open.
            await sub.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString(SimpleGet));
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            await pub.SendCompleteAsync();
            sub.Request(1);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Rejects_with_408_when_a_started_head_does_not_complete_in_time() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with
            {
                RequestHeadersTimeout = TimeSpan.FromMilliseconds(200),
                KeepAliveTimeout = TimeSpan.FromMinutes(5),
            });
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString("GET / HTTP/1.1\r\nHo"));
            var rejected = Assert.IsType<HttpInbound.Rejected>(await sub.ExpectNextAsync());
            Assert.Equal(RejectionReason.RequestHeadersTimeout, rejected.Reason);
            Assert.Equal(408, rejected.Status);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Does_not_apply_the_headers_timeout_to_a_slow_body() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings with { RequestHeadersTimeout = TimeSpan.FromMilliseconds(100) });
            sub.Request(3);
            await pub.SendNextAsync(ByteString.FromString("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello"));
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            Assert.IsType<HttpInbound.BodyPart>(await sub.ExpectNextAsync());
            await sub.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(400));
            await pub.SendNextAsync(ByteString.FromString("world"));
            Assert.Equal("world", Assert.IsType<HttpInbound.BodyPart>(await sub.ExpectNextAsync()).Data.ToString());
            sub.Request(1);
            Assert.IsType<HttpInbound.End>(await sub.ExpectNextAsync());
            await pub.SendCompleteAsync();
            sub.Request(1);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Delivers_End_of_a_complete_body_when_the_peer_half_closes_right_after_it() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            sub.Request(2);
            await pub.SendNextAsync(ByteString.FromString("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"));
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            Assert.Equal("hello", Assert.IsType<HttpInbound.BodyPart>(await sub.ExpectNextAsync()).Data.ToString());
            await pub.SendCompleteAsync();
            sub.Request(1);
            Assert.IsType<HttpInbound.End>(await sub.ExpectNextAsync());
            sub.Request(1);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Answers_buffered_requests_after_the_peer_half_closes() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString(SimpleGet + SimpleGet + "GET /partial HTTP/1.1\r\n"));
            await pub.SendCompleteAsync();
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            sub.Request(1);
            Assert.IsType<HttpInbound.Head>(await sub.ExpectNextAsync());
            // The partial third request is dropped, not rejected: the client went away.
            sub.Request(1);
            await sub.ExpectCompleteAsync();
        }, Sys.Materializer());

    [Fact]
    public Task Completes_without_End_when_the_peer_closes_mid_body() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            var drained = sub.DrainAsync();
            await pub.SendNextAsync(ByteString.FromString("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello"));
            await pub.SendCompleteAsync();
            var elements = await drained;
            Assert.Equal(2, elements.Count);
            Assert.IsType<HttpInbound.BodyPart>(elements[1]);
        }, Sys.Materializer());

    [Fact]
    public Task Completes_when_downstream_cancels() =>
        this.AssertAllStagesStoppedAsync(async () =>
        {
            var (pub, sub) = Materialize(Settings);
            sub.Request(1);
            await pub.SendNextAsync(ByteString.FromString("GET / HT"));
            sub.Cancel();
            await pub.ExpectCancellationAsync();
        }, Sys.Materializer());

    private (TestPublisher.Probe<ByteString> Pub, TestSubscriber.Probe<HttpInbound> Sub) Materialize(HttpSettings settings,
        PullCounter<ByteString>? counter = null) =>
        this.SourceProbe<ByteString>()
            .Via(counter ?? new PullCounter<ByteString>())
            .Via(new Http1DecoderStage(settings))
            .ToMaterialized(this.SinkProbe<HttpInbound>(), Keep.Both)
            .Run(Sys.Materializer());
}
