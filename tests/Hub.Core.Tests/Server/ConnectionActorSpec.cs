using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.IO;
using Akka.Streams;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Hub.Configuration;
using Hub.Server;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Server;

/// <summary>
/// The connection actor and its stream against a TestProbe playing the Akka.IO connection: no socket, exact
/// control over what the "kernel" reads and when writes are acknowledged.
/// </summary>
public sealed class ConnectionActorSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SpecConfig, output: output)
{
    private static readonly Config SpecConfig = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
        .WithFallback(HubSettings.DefaultConfig());

    private static readonly EndPoint Remote = new IPEndPoint(IPAddress.Loopback, 50000);

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("Hello, world");
            return Task.CompletedTask;
        }
    }

    private sealed class Streamer : RequestHandler
    {
        public override async Task GetAsync()
        {
            for (var i = 0; i < 3; i++)
            {
                Write($"chunk {i}");
                await FlushAsync();
            }
        }
    }

    private (TestProbe Tcp, IActorRef Connection) Start(Action<RouteBuilder> routes, HubSettings? settings = null)
    {
        // The probe plays Akka.IO's connection actor, so the graph gets the Akka.IO transport stage.
        settings = (settings ?? HubSettings.Default) with { Transport = HubTransport.AkkaIo };
        var tcp = CreateTestProbe();
        var app = new Application(routes);
        var actor = Sys.ActorOf(ConnectionActor.Props(TransportHandle.OfAkkaIo(tcp.Ref), Remote, app, settings, new ConnectionGraph(settings, Sys.Materializer(), Hub.Diagnostics.ListenerTelemetry.Unbound), new DrainSignal(), "spec"));
        return (tcp, actor);
    }

    private static Tcp.Received Bytes(string s) => new(ByteString.FromString(s, Encoding.ASCII));

    /// <summary>The next Write, skipping the read-ahead ResumeReading the transport sends after each read.</summary>
    private static async Task<Tcp.Write> ExpectWriteAsync(TestProbe tcp)
    {
        while (true)
        {
            var msg = await tcp.ExpectMsgAsync<Tcp.Command>();
            if (msg is Tcp.Write w) return w;
            Assert.IsType<Tcp.ResumeReading>(msg);
        }
    }

    [Fact]
    public async Task Registers_reads_on_demand_and_answers_with_one_write_per_response()
    {
        var (tcp, _) = Start(r => r.Map<Hello>("/"));
        var register = await tcp.ExpectMsgAsync<Tcp.Register>();
        Assert.True(register.KeepOpenOnPeerClosed);
        Assert.False(register.UseResumeWriting);
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();

        tcp.Reply(Bytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
        // One read ahead (to notice a FIN while the request is handled), then the response as one write.
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        var write = await tcp.ExpectMsgAsync<Tcp.Write>();
        var text = write.Data.ToString(Encoding.ASCII);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", text);
        Assert.EndsWith("\r\n\r\nHello, world", text);
        tcp.Reply(write.Ack);
        await tcp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Coalesces_responses_written_while_a_write_is_unacknowledged()
    {
        var (tcp, _) = Start(r => r.Map<Hello>("/"));
        await tcp.ExpectMsgAsync<Tcp.Register>();
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        tcp.Reply(Bytes("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"));
        var first = await ExpectWriteAsync(tcp);
        var transport = tcp.LastSender;
        // The other two responses are produced while the first write is in flight: no write until the ack…
        await tcp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        transport.Tell(first.Ack, tcp.Ref);
        // …then both leave as one batch.
        var batch = await tcp.ExpectMsgAsync<Tcp.Write>();
        var text = batch.Data.ToString(Encoding.ASCII);
        Assert.Equal(2, text.Split("HTTP/1.1 200 OK").Length - 1);
    }

    [Fact]
    public async Task Answers_a_pipelined_request_only_after_the_streamed_response_before_it()
    {
        var (tcp, _) = Start(r => r.Map<Streamer>("/stream").Map<Hello>("/"));
        await tcp.ExpectMsgAsync<Tcp.Register>();
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        tcp.Reply(Bytes("GET /stream HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"));
        var received = new StringBuilder();
        // Each flush completes only once the transport has room; acking keeps the stream going.
        while (!received.ToString().EndsWith("Hello, world"))
        {
            var msg = await tcp.ExpectMsgAsync<object>();
            if (msg is not Tcp.Write w) continue;
            received.Append(w.Data.ToString(Encoding.ASCII));
            tcp.LastSender.Tell(w.Ack, tcp.Ref);
        }
        var text = received.ToString();
        var endOfStream = text.IndexOf("0\r\n\r\n", StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", text);
        Assert.True(endOfStream > text.IndexOf("chunk 2", StringComparison.Ordinal));
        Assert.True(text.IndexOf("Hello, world", StringComparison.Ordinal) > endOfStream);
    }

    [Fact]
    public async Task Half_closes_and_lingers_after_a_rejected_request()
    {
        var (tcp, _) = Start(r => r.Map<Hello>("/"));
        await tcp.ExpectMsgAsync<Tcp.Register>();
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        tcp.Reply(Bytes("GET / HTTP/9.9\r\nHost: t\r\n\r\n"));
        var write = await ExpectWriteAsync(tcp);
        Assert.StartsWith("HTTP/1.1 505 ", write.Data.ToString(Encoding.ASCII));
        Assert.Contains("Connection: close", write.Data.ToString(Encoding.ASCII));
        tcp.LastSender.Tell(write.Ack, tcp.Ref);
        await tcp.ExpectMsgAsync<Tcp.ConfirmedClose>();
        // Still reading (the read-ahead is outstanding), so unread request bytes are drained, not reset.
        tcp.Reply(Bytes("leftover"));
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        tcp.Reply(Tcp.ConfirmedClosed.Instance);
        await tcp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Stops_when_the_peer_connection_dies()
    {
        var (tcp, actor) = Start(r => r.Map<Hello>("/"));
        await tcp.ExpectMsgAsync<Tcp.Register>();
        await WatchAsync(actor);
        tcp.Reply(new Tcp.ErrorClosed("reset"));
        await ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task Closes_an_idle_connection_when_told_to()
    {
        var (tcp, actor) = Start(r => r.Map<Hello>("/"));
        await tcp.ExpectMsgAsync<Tcp.Register>();
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        actor.Tell(Messages.CloseConnection.Instance);
        await tcp.ExpectMsgAsync<Tcp.ConfirmedClose>();
    }

    [Fact]
    public async Task Aborts_the_socket_if_the_actor_is_stopped()
    {
        var (tcp, actor) = Start(r => r.Map<Hello>("/"));
        await tcp.ExpectMsgAsync<Tcp.Register>();
        await tcp.ExpectMsgAsync<Tcp.ResumeReading>();
        Sys.Stop(actor);
        await tcp.ExpectMsgAsync<Tcp.Abort>();
    }
}
