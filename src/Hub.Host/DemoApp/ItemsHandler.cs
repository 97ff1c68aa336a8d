using Akka.Actor;
using static Hub.Host.DemoApp.ItemStoreProtocol;

namespace Hub.Host.DemoApp;

/// <summary>
/// /items: GET lists every item as a JSON array; POST stores a JSON object and answers 201 with its
/// <c>Location</c> (RFC 9110 §15.3.2) and the stored object, "id" included.
/// </summary>
public sealed class ItemsHandler(IActorRef store) : JsonApiHandler
{
    public override async Task GetAsync()
    {
        var list = await store.Ask<ItemList>(List.Instance, StoreTimeout, ConnectionClosed);
        WriteJsonText(list.Json);
    }

    public override async Task PostAsync()
    {
        if (ReadObjectBody() is not { } json) return;
        var item = await store.Ask<Item>(new Create(json), StoreTimeout, ConnectionClosed);
        SetStatus(201);
        SetHeader("Location", "/items/" + item.Id);
        WriteJsonText(item.Json);
    }
}
