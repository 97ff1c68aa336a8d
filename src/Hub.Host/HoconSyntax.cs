using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Hub.Host;

/// <summary>
/// Akka's HOCON parser is lenient: an unclosed "{", a stray "}", an unterminated string or "key" with no value all
/// parse without complaint, and the operator's setting silently vanishes. The host refuses such text before using it.
/// Checks the structure the HOCON spec requires (balanced braces and brackets outside strings and comments, strings
/// closed on their line), that nesting and substitutions stay within <see cref="Hub.Configuration.HoconGuard"/>'s limits,
/// and that every key has a value.
/// </summary>
public static class HoconSyntax
{
    /// <summary>Parses <paramref name="text"/> strictly; the exception message says what is wrong and on which line.</summary>
    public static Config Parse(string text)
    {
        CheckStructure(text);
        // Text that Akka's parser would follow into a stack overflow or an endless loop (Hub.Core's HoconGuard).
        Hub.Configuration.HoconGuard.CheckText(text);
        var config = ConfigurationFactory.ParseString(text);
        Hub.Configuration.HoconGuard.CheckSubstitutions(config);
        if (FindKeyWithoutValue(config.Root, "") is { } key) throw new FormatException($"'{key}' has no value");
        return config;
    }

    private static void CheckStructure(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n') { line++; i++; continue; }
            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c == '"')
            {
                i = SkipString(text, i, ref line);
                continue;
            }
            if (c is '{' or '[') open.Push((c, line));
            else if (c is '}' or ']')
            {
                var expected = c == '}' ? '{' : '[';
                if (open.Count == 0) throw new FormatException($"line {line}: unexpected '{c}'");
                var (bracket, openedOn) = open.Pop();
                if (bracket != expected) throw new FormatException($"line {line}: '{c}' closes the '{bracket}' opened on line {openedOn}");
            }
            i++;
        }
        if (open.Count > 0)
        {
            var (bracket, openedOn) = open.Peek();
            throw new FormatException($"'{bracket}' opened on line {openedOn} is never closed");
        }
    }

    /// <summary>Skips a "quoted" or """triple-quoted""" string starting at <paramref name="start"/>; returns the index after it.</summary>
    private static int SkipString(string text, int start, ref int line)
    {
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0) throw new FormatException($"line {line}: \"\"\" string is never closed");
            // A triple-quoted string may end with extra quotes that belong to it ("""a"""" is a" + ").
            end += 3;
            while (end < text.Length && text[end] == '"') end++;
            for (var k = start; k < end; k++) if (text[k] == '\n') line++;
            return end;
        }
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\') { i += 2; continue; }
            if (c == '"') return i + 1;
            if (c == '\n') break;
            i++;
        }
        throw new FormatException($"line {line}: string is never closed");
    }

    private static string? FindKeyWithoutValue(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
                if (FindKeyWithoutValue(child, path.Length == 0 ? key : path + "." + key) is { } found) return found;
            return null;
        }
        return value.Values.Count == 0 ? path : null;
    }
}
