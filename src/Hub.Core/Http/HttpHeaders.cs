using System.Collections;

namespace Hub.Http;

/// <summary>
/// Request or response header fields in arrival order. Names compare case-insensitively (RFC 9110 §5.1);
/// repeated fields are kept as separate entries, and <see cref="GetCombined"/> joins them with ", " (§5.3).
/// Requests carry tens of fields, so a list scan beats a dictionary and keeps the order.
/// </summary>
public sealed class HttpHeaders : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields;

    public HttpHeaders() => _fields = new List<KeyValuePair<string, string>>(8);

    internal HttpHeaders(int capacity) => _fields = new List<KeyValuePair<string, string>>(capacity);

    /// <summary>Number of fields, counting repeats.</summary>
    public int Count => _fields.Count;

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? this[string name] => Get(name);

    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        foreach (var f in _fields)
            if (string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) return f.Value;
        return null;
    }

    public bool TryGet(string name, out string value)
    {
        value = Get(name)!;
        return value is not null;
    }

    public bool Contains(string name) => Get(name) is not null;

    /// <summary>Every value of <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        List<string>? all = null;
        foreach (var f in _fields)
            if (string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) (all ??= new List<string>(2)).Add(f.Value);
        return (IReadOnlyList<string>?)all ?? Array.Empty<string>();
    }

    /// <summary>All values of a list-valued field joined by ", " (RFC 9110 §5.3), or null when absent.</summary>
    public string? GetCombined(string name)
    {
        var all = GetAll(name);
        return all.Count switch { 0 => null, 1 => all[0], _ => string.Join(", ", all) };
    }

    /// <summary>True when a comma-separated list field (Connection, Upgrade …) has <paramref name="token"/> on any line.</summary>
    public bool HasToken(string name, string token)
    {
        foreach (var f in _fields)
        {
            if (!string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var part in f.Value.AsSpan().Split(','))
                if (f.Value.AsSpan()[part].Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    public void Add(string name, string value) => _fields.Add(new(name, value));

    /// <summary>Replaces every field named <paramref name="name"/> with one.</summary>
    public void Set(string name, string value)
    {
        Remove(name);
        _fields.Add(new(name, value));
    }

    public bool Remove(string name)
    {
        // A plain loop instead of RemoveAll(lambda): no closure or delegate per call.
        var removed = false;
        for (var i = _fields.Count - 1; i >= 0; i--)
        {
            if (!string.Equals(_fields[i].Key, name, StringComparison.OrdinalIgnoreCase)) continue;
            _fields.RemoveAt(i);
            removed = true;
        }
        return removed;
    }

    public void Clear() => _fields.Clear();

    /// <summary>A struct enumerator, so <c>foreach</c> over the headers (every response written) allocates nothing.</summary>
    public List<KeyValuePair<string, string>>.Enumerator GetEnumerator() => _fields.GetEnumerator();
    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
