using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Hub.Dispatch;

/// <summary>
/// The mailbox type of <see cref="CompactMessageQueue"/>: <c>mailbox-type = "Hub.Dispatch.CompactMailbox, Hub.Core"</c>.
/// Hub.Host makes it the default mailbox and the deque mailbox that stashing actors get (<c>hocon/hub.conf</c>);
/// an application embedding Hub can do the same in its own configuration.
/// </summary>
public sealed class CompactMailbox(Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<CompactMessageQueue>
{
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}
