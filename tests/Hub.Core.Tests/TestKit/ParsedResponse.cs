namespace Hub.Core.Tests.TestKit;

/// <summary>One response as <see cref="ResponseParser"/> read it off the wire.</summary>
internal sealed record ParsedResponse(
    int Status,
    string Reason,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    bool Chunked,
    IReadOnlyList<int> ChunkSizes)
{
    /// <summary>First value of a header, names compared case-insensitively; null when absent.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Headers other than those the writer adds itself (Date, Server, framing, Connection).</summary>
    public IEnumerable<KeyValuePair<string, string>> OwnHeaders => Headers.Where(h =>
        h.Key is not ("Date" or "Server" or "Content-Length" or "Transfer-Encoding" or "Connection"));
}
