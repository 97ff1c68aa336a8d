using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using static Hub.Host.DemoApp.ItemStoreProtocol;

namespace Hub.Host.DemoApp;

/// <summary>
/// The in-memory store behind /items. One actor owns the data, so concurrent requests never race: each message is
/// applied whole, in arrival order, and a rejected request (unknown id) leaves the store as it was. Ids are assigned
/// incrementally from 1 and never reused.
/// </summary>
public sealed class ItemStoreActor : ReceiveActor
{
    private readonly SortedDictionary<long, string> _items = new();
    private long _lastId;

    public ItemStoreActor()
    {
        Receive<List>(_ => Sender.Tell(new ItemList(ListJson())));
        Receive<Get>(m => Sender.Tell(_items.TryGetValue(m.Id, out var json) ? new Item(m.Id, json) : new NotFound(m.Id)));
        Receive<Create>(m =>
        {
            var id = ++_lastId;
            var json = WithId(id, m.Json);
            _items[id] = json;
            Sender.Tell(new Item(id, json));
        });
        Receive<Replace>(m =>
        {
            if (!_items.ContainsKey(m.Id))
            {
                Sender.Tell(new NotFound(m.Id));
                return;
            }
            var json = WithId(m.Id, m.Json);
            _items[m.Id] = json;
            Sender.Tell(new Item(m.Id, json));
        });
        Receive<Delete>(m => Sender.Tell(_items.Remove(m.Id) ? new Deleted(m.Id) : new NotFound(m.Id)));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ItemStoreActor());

    /// <summary>The object with "id" first and any "id" the client sent replaced: the store owns ids.</summary>
    private static string WithId(long id, string json)
    {
        var fields = JsonNode.Parse(json)!.AsObject();
        var item = new JsonObject { ["id"] = id };
        foreach (var (name, value) in fields)
            if (name != "id") item[name] = value?.DeepClone();
        return item.ToJsonString();
    }

    private string ListJson()
    {
        var sb = new StringBuilder("[");
        foreach (var json in _items.Values)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append(json);
        }
        return sb.Append(']').ToString();
    }
}
