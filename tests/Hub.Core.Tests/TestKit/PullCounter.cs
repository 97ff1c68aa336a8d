using Akka.Streams;
using Akka.Streams.Stage;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// A pass-through stage that counts the pulls of the stage after it. A publisher probe sits behind an actor
/// boundary that requests a batch up front, so the probe cannot tell whether the stage under test pulled; this
/// stage is fused with it and can.
/// </summary>
internal sealed class PullCounter<T> : GraphStage<FlowShape<T, T>>
{
    private int _pulls;

    public PullCounter() => Shape = new FlowShape<T, T>(In, Out);

    public Inlet<T> In { get; } = new("PullCounter.in");
    public Outlet<T> Out { get; } = new("PullCounter.out");
    public override FlowShape<T, T> Shape { get; }

    /// <summary>How many times downstream has pulled so far (read from any thread).</summary>
    public int Pulls => Volatile.Read(ref _pulls);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly PullCounter<T> _stage;

        public Logic(PullCounter<T> stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void OnPush() => Push(_stage.Out, Grab(_stage.In));

        public override void OnPull()
        {
            Interlocked.Increment(ref _stage._pulls);
            Pull(_stage.In);
        }
    }
}
