using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Hub.Configuration;

/// <summary>
/// HOCON that Akka's parser, resolver or merge cannot handle (found by fuzz/ hocon), refused first as a
/// <see cref="ConfigurationException"/>: nesting deeper than <see cref="MaxDepth"/> brackets and substitutions that
/// refer to themselves (<c>a = ${a}</c>, directly or through others) or nest with what they resolve to deeper than
/// twice <see cref="MaxDepth"/> (unbounded recursion: a stack overflow ends the process, no catch can report it); a
/// character other than plain unquoted values inside an array (<c>[::1]</c>), a mismatched closing bracket (<c>[ }</c>) or
/// a substitution that is not a path closed on its line (the parser loops forever on each); a value where Hub's
/// reference has a block (<c>hub = 5</c>: the merge throws a NullReferenceException); a control character other than
/// TAB, LF and CR anywhere.
/// </summary>
internal static class HoconGuard
{
    public const int MaxDepth = 64;

    // What unquoted values in an array may hold besides letters, digits and whitespace: numbers, durations, sizes,
    // IPv4 addresses, MIME types. Akka's parser loops forever on many other characters there (':' '=' '@' '\\' '<',
    // control characters, ...), so anything else must be quoted.
    private const string UnquotedInArray = ",.-_/+%";

    /// <summary>
    /// Refuses text whose '{' / '[' nesting, outside strings and comments, goes past <see cref="MaxDepth"/>; text with
    /// anything but plain unquoted values, strings closed on their line, nested brackets and substitutions directly
    /// inside an array (<c>[::1]</c>, <c>[a = 1]</c>, <c>[\x]</c>): Akka's parser loops forever on such arrays; a
    /// mismatched closing bracket; a broken substitution.
    /// </summary>
    public static void CheckText(string text)
    {
        // A configuration file is UTF-8 text with no control characters but TAB, LF and CR (HOCON and JSON allow none,
        // not even in strings): Akka's parser loops forever on some of them, and on undecodable bytes (read as U+FFFD),
        // next to runs of quotes (fuzz: the open hangs of runs 4 and 5).
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is >= '\u007F' and <= '\u009F')
                throw new ConfigurationException(
                    $"HOCON has the control character U+{(int)c:X4} on line {text.AsSpan(0, i).Count('\n') + 1}");
            if (c == '\uFFFD')
                throw new ConfigurationException($"HOCON is not valid UTF-8 (an undecodable byte on line {text.AsSpan(0, i).Count('\n') + 1})");
        }
        // Akka's tokenizer does not always read """ as a triple-quoted string (after unquoted text, for one), nor end an
        // unclosed string at the end of its line, so the text is judged three ways: with """ strings; with every '"'
        // opening or closing a plain string; and with plain strings running on past line ends.
        Scan(text, tripleQuotes: true, stringsEndAtLineEnd: true);
        Scan(text, tripleQuotes: false, stringsEndAtLineEnd: true);
        Scan(text, tripleQuotes: false, stringsEndAtLineEnd: false);
    }

    private static void Scan(string text, bool tripleQuotes, bool stringsEndAtLineEnd)
    {
        // The open brackets, innermost last; a '}' or ']' with nothing open is left to the parser.
        var open = new char[MaxDepth];
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = SkipString(text, i, tripleQuotes, stringsEndAtLineEnd);
                if (InArray() && (i >= text.Length || text[i] != '"'))
                    throw new ConfigurationException("HOCON has a string inside an array that is not closed on its line");
                continue;
            }
            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                var eol = text.IndexOf('\n', i);
                i = eol < 0 ? text.Length : eol;
                continue;
            }
            switch (c)
            {
                case '{' or '[':
                    if (depth == MaxDepth) throw new ConfigurationException($"HOCON nested deeper than {MaxDepth} levels");
                    open[depth++] = c;
                    break;
                case '}' or ']':
                    if (depth == 0) break;
                    // "[ }" and "{ ]" are not HOCON, and Akka's parser loops forever on the first.
                    if (open[depth - 1] != (c == '}' ? '{' : '['))
                        throw new ConfigurationException($"HOCON has '{c}' closing a '{open[depth - 1]}'");
                    depth--;
                    break;
                case '$' when i + 1 < text.Length && text[i + 1] == '{':
                    i = SkipSubstitution(text, i);
                    break;
                default:
                    if (InArray() && !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c) && !UnquotedInArray.Contains(c))
                        throw new ConfigurationException(
                            $"HOCON has '{(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4") : c.ToString())}' inside an array outside quotes (quote such values: \"::1\")");
                    break;
            }
        }

        // An array still open at the end: Akka's parser can loop forever looking for its ']'.
        if (open.AsSpan(0, depth).Contains('[')) throw new ConfigurationException("HOCON has an array that is never closed");

        bool InArray() => depth > 0 && open[depth - 1] == '[';
    }

    /// <summary>
    /// Refuses a value where Hub's reference configuration has a block (<c>hub = 5</c>, <c>hub.http = "x"</c>):
    /// Akka's merge with the reference fails on it with a <see cref="NullReferenceException"/>.
    /// </summary>
    public static void CheckShape(Config config, Config reference)
    {
        if (config.Root is not null && reference.Root is not null) CheckShape(config.Root, reference.Root, "");
    }

    private static void CheckShape(HoconValue value, HoconValue reference, string path)
    {
        if (!reference.IsObject()) return;
        if (!value.IsObject())
        {
            if (value.Values.Count == 0) return;
            throw new ConfigurationException($"{path} must be a block {{ ... }}, was '{value}'");
        }
        var items = value.GetObject().Items;
        // The reference is Hub's own few levels deep, so this recursion is bounded by it.
        foreach (var (key, child) in reference.GetObject().Items)
            if (items.TryGetValue(key, out var own)) CheckShape(own, child, path.Length == 0 ? key : path + "." + key);
    }

    /// <summary>
    /// Index of the '}' that ends the substitution starting at <paramref name="start"/> ("${" or "${?"), whose path
    /// may hold only letters, digits, '.', '-', '_', quotes and spaces on one line: anything else is not a path, and
    /// Akka's parser can loop forever on it.
    /// </summary>
    private static int SkipSubstitution(string text, int start)
    {
        for (var i = start + 2; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}') return i;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '"' or ' ' or '\t' || (c == '?' && i == start + 2)) continue;
            break;
        }
        throw new ConfigurationException("HOCON has a substitution ${...} that is not a path closed on its line");
    }

    /// <summary>Index of the last character of the string starting at <paramref name="start"/> ("…" or """…""").</summary>
    private static int SkipString(string text, int start, bool tripleQuotes, bool endAtLineEnd)
    {
        if (tripleQuotes && string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0) return text.Length;
            // Quotes right before the closing three belong to the string ("""a"""" is a").
            while (end + 3 < text.Length && text[end + 3] == '"') end++;
            return end + 2;
        }
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"' || (endAtLineEnd && text[i] == '\n')) return i;
        }
        return text.Length;
    }

    /// <summary>
    /// Walks the parsed values, following each substitution to what it resolved to, without recursion: refuses a
    /// value reachable from itself and a path of nested values and substitutions longer than twice <see cref="MaxDepth"/>.
    /// </summary>
    public static void CheckSubstitutions(Config config)
    {
        if (config.Root is null) return;
        var done = new HashSet<HoconValue>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<HoconValue>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(HoconValue Value, IEnumerator<HoconValue> Children)>();
        Enter(config.Root);
        while (stack.Count > 0)
        {
            var (value, children) = stack.Peek();
            if (!children.MoveNext())
            {
                stack.Pop();
                onPath.Remove(value);
                done.Add(value);
                continue;
            }
            var child = children.Current;
            if (onPath.Contains(child)) throw new ConfigurationException("HOCON substitution refers to itself (a cycle of ${…})");
            if (!done.Contains(child)) Enter(child);
        }

        void Enter(HoconValue value)
        {
            // Room for the deepest text the bracket limit lets through plus a substitution chain as long again.
            if (stack.Count >= 2 * MaxDepth) throw new ConfigurationException($"HOCON values and substitutions nested deeper than {2 * MaxDepth} levels");
            onPath.Add(value);
            stack.Push((value, ChildrenOf(value).GetEnumerator()));
        }
    }

    private static IEnumerable<HoconValue> ChildrenOf(HoconValue value)
    {
        foreach (var element in value.Values)
        {
            switch (element)
            {
                case HoconSubstitution { ResolvedValue: { } resolved }:
                    yield return resolved;
                    break;
                case HoconObject obj:
                    foreach (var item in obj.Items.Values) yield return item;
                    break;
                case HoconArray array:
                    foreach (var item in array) yield return item;
                    break;
            }
        }
    }
}
