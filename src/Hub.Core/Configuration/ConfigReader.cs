using System.Net;
using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>
/// Reads one key strictly: the key must exist (defaults live only in reference.conf) and every error names the
/// full key, so a typo in an operator's file is reported as "hub.http.max-request-line-size must be …".
/// </summary>
internal static class ConfigReader
{
    public static string String(Config c, string path, string key, bool allowEmpty = false)
    {
        var value = Require(c, path, key);
        // Akka's GetString turns a list or an object into "", which would hide the mistake.
        if (!value.IsString()) throw Error(path, key, "must be a string");
        var v = value.GetString();
        if (!allowEmpty && string.IsNullOrWhiteSpace(v)) throw Error(path, key, "must not be empty");
        return v ?? "";
    }

    public static bool Bool(Config c, string path, string key)
    {
        var raw = Require(c, path, key).GetString()?.Trim().ToLowerInvariant();
        return raw switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw Error(path, key, $"must be on/off, was '{raw}'"),
        };
    }

    public static int Int(Config c, string path, string key, int min, int max)
    {
        var raw = Require(c, path, key).GetString();
        if (!long.TryParse(raw, out var v) || v < min || v > max)
            throw Error(path, key, $"must be an integer in [{min}, {max}], was '{raw}'");
        return (int)v;
    }

    public static int? IntOrUnlimited(Config c, string path, string key)
    {
        var raw = Require(c, path, key).GetString();
        if (string.Equals(raw, "unlimited", StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(raw, out var v) || v < 1)
            throw Error(path, key, $"must be 'unlimited' or a positive integer, was '{raw}'");
        return v;
    }

    public static long LongBytes(Config c, string path, string key, long min)
    {
        var value = Require(c, path, key);
        long? v;
        try { v = value.GetByteSize(); }
        catch (Exception) { v = null; }
        if (v is null || v < min) throw Error(path, key, $"must be a byte size >= {min}, was '{value.GetString()}'");
        return v.Value;
    }

    public static int Bytes(Config c, string path, string key, int min)
    {
        var v = LongBytes(c, path, key, min);
        if (v > int.MaxValue) throw Error(path, key, $"must be at most {int.MaxValue} bytes");
        return (int)v;
    }

    /// <summary>A byte size, or "auto" (null): let the kernel decide.</summary>
    public static int? BytesOrAuto(Config c, string path, string key)
    {
        var raw = Require(c, path, key).GetString()?.Trim();
        if (string.Equals(raw, "auto", StringComparison.OrdinalIgnoreCase)) return null;
        return Bytes(c, path, key, 1024);
    }

    /// <summary>
    /// A positive duration; where <paramref name="allowInfinite"/>, "infinite"/"off" map to
    /// <see cref="Timeout.InfiniteTimeSpan"/> (every reader of such a key must treat that value as "no limit").
    /// </summary>
    public static TimeSpan Duration(Config c, string path, string key, bool allowInfinite = true)
    {
        var value = Require(c, path, key);
        var raw = value.GetString()?.Trim();
        if (raw is "infinite" or "off")
            return allowInfinite ? Timeout.InfiniteTimeSpan : throw Error(path, key, $"must be a finite duration, was '{raw}'");
        TimeSpan v;
        try { v = value.GetTimeSpan(); }
        catch (Exception) { throw Error(path, key, $"must be a duration such as 30s, was '{raw}'"); }
        if (v <= TimeSpan.Zero) throw Error(path, key, $"must be > 0, was '{raw}'");
        return v;
    }

    public static IReadOnlyList<string> Strings(Config c, string path, string key)
    {
        var value = Require(c, path, key);
        // Akka's GetStringList reads a lone string as an empty list: `trusted-proxies = "10.0.0.1"` would silently
        // trust nobody. (An empty list "[]" reports neither IsString nor IsArray, so test for what it is not.)
        if (value.IsString() || value.IsObject()) throw Error(path, key, "must be a list of strings, such as [\"a\", \"b\"]");
        try { return value.GetStringList().ToArray(); }
        catch (Exception) { throw Error(path, key, "must be a list of strings"); }
    }

    public static IReadOnlyList<IPAddress> Addresses(Config c, string path, string key)
    {
        var list = new List<IPAddress>();
        foreach (var s in Strings(c, path, key))
        {
            if (!IPAddress.TryParse(s, out var ip)) throw Error(path, key, $"has '{s}', which is not an IP address");
            list.Add(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        }
        return list;
    }

    private static Akka.Configuration.Hocon.HoconValue Require(Config? c, string path, string key)
    {
        if (c is null || !c.HasPath(key)) throw Error(path, key, "is missing");
        return c.GetValue(key);
    }

    private static ConfigurationException Error(string path, string key, string what) => new($"{path}.{key} {what}");
}
