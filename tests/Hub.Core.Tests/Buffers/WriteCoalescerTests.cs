using Akka.IO;
using Hub.Buffers;

namespace Hub.Core.Tests.Buffers;

/// <summary>The transport's pending-write buffer: one element passes through uncopied, several become one
/// contiguous write in arrival order, and nothing is left behind after a take.</summary>
public sealed class WriteCoalescerTests
{
    private static ByteString Bytes(string s) => ByteString.FromString(s);

    [Fact]
    public void Empty_takes_nothing()
    {
        var c = new WriteCoalescer();
        Assert.True(c.IsEmpty);
        Assert.True(c.Take().IsEmpty);
        c.Add(ByteString.Empty);
        Assert.True(c.IsEmpty);
    }

    [Fact]
    public void One_element_is_sent_as_it_is()
    {
        var c = new WriteCoalescer();
        var data = Bytes("hello");
        c.Add(data);
        Assert.Equal(5, c.Count);
        Assert.Same(data, c.Take());
        Assert.True(c.IsEmpty);
    }

    [Fact]
    public void Many_elements_become_one_contiguous_write_in_order()
    {
        var c = new WriteCoalescer();
        var expected = new System.Text.StringBuilder();
        for (var i = 0; i < 1_000; i++)
        {
            var part = $"frame-{i};";
            expected.Append(part);
            c.Add(Bytes(part));
        }
        Assert.Equal(expected.Length, c.Count);
        var taken = c.Take();
        Assert.True(taken.IsCompact);   // one buffer: one iovec for the socket
        Assert.Equal(expected.ToString(), taken.ToString());
        Assert.True(c.IsEmpty);
    }

    [Fact]
    public void A_multi_buffer_element_is_copied_whole()
    {
        var c = new WriteCoalescer();
        c.Add(Bytes("a"));
        c.Add(Bytes("bc").Concat(Bytes("de")));
        Assert.Equal("abcde", c.Take().ToString());
    }

    [Fact]
    public void Batches_after_an_acknowledgement_start_fresh()
    {
        var c = new WriteCoalescer();
        c.Add(Bytes("one"));
        c.Add(Bytes("two"));
        var first = c.Take();
        c.Add(Bytes("three"));
        c.Add(Bytes("four"));
        // Not acknowledged yet: the first batch's bytes must stay intact while the next one gathers.
        Assert.Equal("onetwo", first.ToString());
        c.Acknowledged();
        Assert.Equal("threefour", c.Take().ToString());
        c.Acknowledged();
        c.Clear();
        Assert.True(c.IsEmpty);
    }
}
