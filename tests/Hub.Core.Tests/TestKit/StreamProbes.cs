using Akka.Streams.TestKit;

namespace Hub.Core.Tests.TestKit;

/// <summary>Small helpers over Akka.Streams.TestKit probes.</summary>
internal static class StreamProbes
{
    /// <summary>Requests and collects elements until the stream completes; fails on an error or after 1000 elements.</summary>
    public static async Task<List<T>> DrainAsync<T>(this TestSubscriber.Probe<T> probe)
    {
        var all = new List<T>();
        for (var i = 0; i < 1000; i++)
        {
            probe.Request(1);
            switch (await probe.ExpectEventAsync())
            {
                case TestSubscriber.OnNext<T> next:
                    all.Add(next.Element);
                    break;
                case TestSubscriber.OnComplete:
                    return all;
                case TestSubscriber.OnError error:
                    throw new InvalidOperationException("stream failed", error.Cause);
            }
        }
        throw new InvalidOperationException("stream did not complete within 1000 elements");
    }
}
