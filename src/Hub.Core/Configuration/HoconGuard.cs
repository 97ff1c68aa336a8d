using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Hub.Configuration;

/// <summary>
/// Limits on HOCON text that Akka's parser and resolver would otherwise meet with unbounded recursion, which ends the
/// process with a stack overflow that no catch can turn into an error message (found by fuzz/ hocon): nesting deeper
/// than <see cref="MaxDepth"/> brackets, and substitutions that refer to themselves (<c>a = ${a}</c>, directly or
/// through others) or nest with what they resolve to deeper than twice <see cref="MaxDepth"/>. Both are refused as a
/// <see cref="ConfigurationException"/>.
/// </summary>
internal static class HoconGuard
{
    public const int MaxDepth = 64;

    /// <summary>Refuses text whose '{' / '[' nesting, outside strings and comments, goes past <see cref="MaxDepth"/>.</summary>
    public static void CheckNesting(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i = SkipString(text, i);
                continue;
            }
            if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                var eol = text.IndexOf('\n', i);
                i = eol < 0 ? text.Length : eol;
                continue;
            }
            if (c is '{' or '[')
            {
                if (++depth > MaxDepth) throw new ConfigurationException($"HOCON nested deeper than {MaxDepth} levels");
            }
            else if (c is '}' or ']' && depth > 0) depth--;
        }
    }

    /// <summary>Index of the last character of the string starting at <paramref name="start"/> ("…" or """…""").</summary>
    private static int SkipString(string text, int start)
    {
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 2;
        }
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"' || text[i] == '\n') return i;
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
