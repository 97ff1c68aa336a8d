namespace LoadGen;

/// <summary>
/// What one /chat connection of the broadcast benchmark has seen: the last probe, and per publisher the next
/// sequence number it expects. Written only by the connection's receive loop; read by the coordinator afterwards
/// (or, for <see cref="LastProbe"/>, while polling).
/// </summary>
internal sealed class BroadcastReceiver(WsClient client, int index, int publisherId, int publishers)
{
    public WsClient Client { get; } = client;

    public int Index { get; } = index;

    /// <summary>The publisher this connection sends for, or -1 for a pure subscriber.</summary>
    public int PublisherId { get; } = publisherId;

    public bool IsSubscriber => PublisherId < 0;

    /// <summary>Next expected sequence number per publisher.</summary>
    public int[] Expected { get; } = new int[publishers];

    public long Received;

    /// <summary>Messages that did not carry the expected sequence number (gaps, repeats, reordering).</summary>
    public long OutOfOrder;

    /// <summary>Stopwatch timestamp of the last data message received.</summary>
    public long LastDeliveryAt;

    private int _lastProbe;

    public int LastProbe => Volatile.Read(ref _lastProbe);

    public void SawProbe(int number) => Volatile.Write(ref _lastProbe, Math.Max(_lastProbe, number));

    /// <summary>Why the connection ended early, if it did.</summary>
    public string? Error;
}
