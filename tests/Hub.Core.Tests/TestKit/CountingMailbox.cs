using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Hub.Dispatch;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// Hub's compact mailbox that also counts every enqueue, per ActorSystem and message type: a spec sets it as
/// <c>hub.connection-dispatcher.mailbox-type</c> and counts the mailbox hops a connection's work costs.
/// <c>mailbox-type = "Hub.Core.Tests.TestKit.CountingMailbox, Hub.Core.Tests"</c>.
/// </summary>
public sealed class CountingMailbox(Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<CountingMailbox.Queue>
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> Counts = new();

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) =>
        new Queue(Counts.GetOrAdd(system.Name, _ => new ConcurrentDictionary<string, long>()));

    /// <summary>Enqueues so far in <paramref name="system"/>'s counting mailboxes, by message type.</summary>
    public static IReadOnlyDictionary<string, long> Snapshot(ActorSystem system) =>
        Counts.TryGetValue(system.Name, out var counts) ? new Dictionary<string, long>(counts) : new Dictionary<string, long>();

    public sealed class Queue(ConcurrentDictionary<string, long> counts) : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
    {
        private readonly CompactMessageQueue _inner = new();

        public bool HasMessages => _inner.HasMessages;

        public int Count => _inner.Count;

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            counts.AddOrUpdate(envelope.Message.GetType().Name, 1, static (_, n) => n + 1);
            _inner.Enqueue(receiver, envelope);
        }

        public bool TryDequeue(out Envelope envelope) => _inner.TryDequeue(out envelope);

        public void EnqueueFirst(Envelope envelope) => _inner.EnqueueFirst(envelope);

        public void CleanUp(IActorRef owner, IMessageQueue deadletters) => _inner.CleanUp(owner, deadletters);
    }
}
