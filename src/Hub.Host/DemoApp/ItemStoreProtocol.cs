namespace Hub.Host.DemoApp;

/// <summary>
/// Messages of <see cref="ItemStoreActor"/>. Items travel as JSON text so messages stay immutable; the handlers have
/// already checked that the text is a JSON object.
/// </summary>
public static class ItemStoreProtocol
{
    public sealed record List
    {
        public static readonly List Instance = new();
    }

    public sealed record Get(long Id);

    /// <summary>Stores a new item; the store assigns the next id and puts it in the object.</summary>
    public sealed record Create(string Json);

    /// <summary>Replaces an existing item's fields; the id stays the one in the path.</summary>
    public sealed record Replace(long Id, string Json);

    public sealed record Delete(long Id);

    /// <summary>Reply to <see cref="List"/>: a JSON array of every item, in id order.</summary>
    public sealed record ItemList(string Json);

    /// <summary>Reply to Get, Create and Replace: the stored item, "id" included.</summary>
    public sealed record Item(long Id, string Json);

    public sealed record Deleted(long Id);

    public sealed record NotFound(long Id);
}
