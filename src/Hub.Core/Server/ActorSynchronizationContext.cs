using Akka.Actor;

namespace Hub.Server;

/// <summary>
/// Runs handler continuations as messages to the connection actor. Handler hooks are started inline in the
/// actor's receive with this context installed, so an <c>await</c> inside them resumes on the actor — one thread
/// of control per connection, Tornado's IOLoop model — and a hook that completes synchronously costs no extra
/// message at all. (Akka's ReceiveAsync gives the same guarantee, but every message then pays for suspending and
/// resuming the mailbox and for queueing the task itself, even when nothing is awaited.)
/// </summary>
internal sealed class ActorSynchronizationContext(IActorRef self) : SynchronizationContext
{
    /// <summary>A continuation to run on the actor.</summary>
    public sealed record Continuation(SendOrPostCallback Callback, object? State) : INoSerializationVerificationNeeded;

    public override void Post(SendOrPostCallback d, object? state) => self.Tell(new Continuation(d, state), ActorRefs.NoSender);

    /// <summary>Synchronous sends would block the caller on the actor: never allowed.</summary>
    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Hub handlers never block on the connection actor");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="work"/> with this context current, restoring the previous one after.</summary>
    public T Run<T>(Func<T> work)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return work();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
