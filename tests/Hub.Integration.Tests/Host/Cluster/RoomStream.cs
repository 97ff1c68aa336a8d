namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// Checks over the frames one client saw (across reconnects, in order): the resume protocol's promise that a gap is
/// never silent, and the client's position for its next resume.
/// </summary>
public static class RoomStream
{
    /// <summary>
    /// Within one epoch, each message's offset is the previous position + 1, unless a <c>reset</c> or a
    /// <c>joined</c> with <c>recovered:false</c> came between them (then any later position may follow, but never an
    /// earlier one of the same epoch: that would be a repeat). A <c>joined</c> with <c>recovered:true</c> after a
    /// reconnect must start where the client left off (<c>offset - missed</c> = its last position).
    /// </summary>
    public static void AssertNoSilentGap(IReadOnlyList<RoomFrame> frames, string client)
    {
        string? epoch = null;
        long offset = 0;
        var announced = false;
        foreach (var f in frames)
        {
            switch (f.Type)
            {
                case "joined" when f.Recovered == true:
                    if (epoch is not null)
                        Assert.True(f.Epoch == epoch && f.Offset - f.Missed == offset,
                            $"{client}: recovered join {f} does not continue from {epoch}:{offset}");
                    else (epoch, offset) = (f.Epoch, f.Offset - f.Missed);
                    break;
                case "joined":
                case "reset":
                    announced = true;
                    break;
                case "message":
                    if (epoch is not null && !announced)
                        Assert.True(f.Epoch == epoch && f.Offset == offset + 1, $"{client}: silent gap: {f} after {epoch}:{offset}");
                    else if (epoch is not null && f.Epoch == epoch)
                        Assert.True(f.Offset > offset, $"{client}: {f} repeats or goes back from {epoch}:{offset}");
                    (epoch, offset, announced) = (f.Epoch, f.Offset, false);
                    break;
            }
        }
    }

    /// <summary>Where a client continues from (<c>epoch:offset</c> for <c>since</c>): its last message, or the
    /// position a later reset or not-recovered join announced; null before any.</summary>
    public static string? PositionAfter(IReadOnlyList<RoomFrame> frames)
    {
        string? position = null;
        foreach (var f in frames)
        {
            if (f.IsMessage || f.Type == "reset" || (f.Type == "joined" && f.Recovered == false)) position = $"{f.Epoch}:{f.Offset}";
        }
        return position;
    }

    /// <summary>The sequence numbers of <paramref name="publisher"/>'s messages ("publisher:n"), in arrival order.</summary>
    public static int[] SequenceOf(IEnumerable<string> texts, string publisher) =>
        texts.Where(t => t.StartsWith(publisher + ":", StringComparison.Ordinal))
            .Select(t => int.Parse(t[(publisher.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
}
