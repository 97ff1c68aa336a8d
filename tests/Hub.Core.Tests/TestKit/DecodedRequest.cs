using Hub.Http.Codec;

namespace Hub.Core.Tests.TestKit;

/// <summary>One request as <see cref="DecoderDriver"/> saw it: its head, the body slices, whether End came.</summary>
internal sealed class DecodedRequest(RequestHead head)
{
    private readonly List<byte[]> _slices = [];

    public RequestHead Head { get; } = head;
    public IReadOnlyList<byte[]> Slices => _slices;
    public byte[] Body => _slices.SelectMany(s => s).ToArray();
    /// <summary>The body reader reported Done (or there was no body).</summary>
    public bool Complete { get; internal set; }

    internal void AddSlice(ReadOnlySpan<byte> slice) => _slices.Add(slice.ToArray());
}
