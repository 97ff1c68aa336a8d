namespace KestrelPeer;

/// <summary>
/// The /chat room: the connected clients as a copy-on-write array, so a broadcast walks a plain array without locks
/// or allocation while joins and leaves (rare) copy it.
/// </summary>
public sealed class ChatRoom
{
    private readonly object _gate = new();
    private volatile ChatClient[] _clients = [];

    public void Join(ChatClient client)
    {
        lock (_gate) _clients = [.. _clients, client];
    }

    public void Leave(ChatClient client)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_clients, client);
            if (index < 0) return;
            var rest = new ChatClient[_clients.Length - 1];
            Array.Copy(_clients, 0, rest, 0, index);
            Array.Copy(_clients, index + 1, rest, index, rest.Length - index);
            _clients = rest;
        }
    }

    /// <summary>Queues <paramref name="message"/> (one array shared by all) for every client, the sender included.
    /// A client whose queue is full is a slow consumer: it is dropped, the others are not held up.</summary>
    public void Broadcast(ReadOnlyMemory<byte> message)
    {
        foreach (var client in _clients)
        {
            if (!client.TryEnqueue(message))
            {
                Leave(client);
                client.Abort();
            }
        }
    }
}
