using System.Globalization;

namespace LoadGen;

/// <summary>"--name value" pairs after the mode. Every option must be read (unknown ones are usage errors).</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{name}'");
            if (!e.MoveNext()) throw new UsageException($"{name} needs a value");
            _values[name[2..]] = e.Current;
        }
    }

    public string String(string name, string? fallback = null)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) ? v
            : fallback ?? throw new UsageException($"--{name} is required");
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name, fallback.ToString(CultureInfo.InvariantCulture));
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UsageException($"--{name} must be an integer from {min} to {max}, was '{text}'");
        return v;
    }

    public double Seconds(string name, double fallback, double max)
    {
        var text = String(name, fallback.ToString(CultureInfo.InvariantCulture));
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || v > max)
            throw new UsageException($"--{name} must be a number of seconds above 0 and at most {max}, was '{text}'");
        return v;
    }

    /// <summary>Fails on options nobody asked for (typos would otherwise silently run the defaults).</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException("unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
    }
}

internal sealed class UsageException(string message) : Exception(message);
