using Akka.Actor;
using Akka.Hosting;

namespace Hub.Hosting.Tests.Support;

// The pieces of an "application" that embeds Hub: a DI service, the app's own actors, and Hub handlers that use both.

public sealed class Greeter
{
    public string Greet(string name) => $"Hello, {name}, from the container";
}

public sealed class GreetingHandler(Greeter greeter) : RequestHandler
{
    public override Task GetAsync()
    {
        Write(greeter.Greet("handler"));
        return Task.CompletedTask;
    }
}

/// <summary>Joins the "lobby" room when the socket opens.</summary>
public sealed class LobbySocket : WebSocketHandler
{
    public override Task OpenAsync() => Rooms.JoinAsync("lobby");
}

/// <summary>The app's actor that announces into rooms; gets <see cref="IRooms"/> from the container.</summary>
public sealed class Announcer : ReceiveActor
{
    public sealed record Announce(string Room, string Text);

    public Announcer(IRooms rooms) => Receive<Announce>(a => rooms.Publish(a.Room, a.Text));
}

/// <summary>Where the <see cref="Mailroom"/> actor reports what it received, for the test to await.</summary>
public sealed class Deliveries
{
    public TaskCompletionSource<string> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The app's actor that WebSocket handlers send to.</summary>
public sealed class Mailroom : ReceiveActor
{
    public Mailroom(Deliveries deliveries) => Receive<string>(text => deliveries.Received.TrySetResult(text));
}

/// <summary>Forwards each text message to the app's <see cref="Mailroom"/>, found through the ActorRegistry.</summary>
public sealed class MailroomSocket(IRequiredActor<Mailroom> mailroom) : WebSocketHandler
{
    public override async Task OnMessageAsync(WsMessage message)
    {
        var actor = await mailroom.GetAsync(ConnectionClosed);
        actor.Tell(message.Text);
    }
}

/// <summary>Signals the test once it is serving, then holds its response until the server begins stopping.</summary>
public sealed class Gate
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class HeldUntilStopHandler(Gate gate) : RequestHandler
{
    public override async Task GetAsync()
    {
        gate.Entered.TrySetResult();
        try { await Task.Delay(Timeout.Infinite, ServerStopping); }
        catch (OperationCanceledException) { }
        Write("finished while stopping");
    }
}
