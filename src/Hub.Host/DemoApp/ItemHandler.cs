using System.Globalization;
using Akka.Actor;
using static Hub.Host.DemoApp.ItemStoreProtocol;

namespace Hub.Host.DemoApp;

/// <summary>
/// /items/{id}: GET → 200 with the item, PUT → 200 with the replaced item (same id), DELETE → 204; an id that is
/// not stored (or not a number) → 404 with a JSON error. A PUT whose body is refused never reaches the store.
/// </summary>
public sealed class ItemHandler(IActorRef store) : JsonApiHandler
{
    public override async Task GetAsync()
    {
        if (Id() is not { } id) return;
        Answer(await store.Ask<object>(new Get(id), StoreTimeout, ConnectionClosed));
    }

    public override async Task PutAsync()
    {
        if (Id() is not { } id) return;
        if (ReadObjectBody() is not { } json) return;
        Answer(await store.Ask<object>(new Replace(id, json), StoreTimeout, ConnectionClosed));
    }

    public override async Task DeleteAsync()
    {
        if (Id() is not { } id) return;
        Answer(await store.Ask<object>(new Delete(id), StoreTimeout, ConnectionClosed));
    }

    /// <summary>The id in the path; a non-number cannot name a stored item, so it is a 404 like any unknown id.</summary>
    private long? Id()
    {
        var raw = RouteValues["id"];
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
        Reject(404, $"no item {raw}");
        return null;
    }

    private void Answer(object reply)
    {
        switch (reply)
        {
            case Item item:
                WriteJsonText(item.Json);
                break;
            case Deleted:
                SetStatus(204);
                break;
            case NotFound missing:
                Reject(404, $"no item {missing.Id}");
                break;
            default:
                throw new InvalidOperationException($"unexpected reply from the item store: {reply.GetType().Name}");
        }
    }
}
