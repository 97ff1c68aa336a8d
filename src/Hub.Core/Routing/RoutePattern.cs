using System.Text;
using System.Text.RegularExpressions;
using Hub.Http;

namespace Hub.Routing;

/// <summary>
/// One path pattern: a Tornado-style regular expression ("/items/([0-9]+)", anchored at both ends) or a template
/// ("/users/{id}", where {name} matches one non-empty segment and {*name} the rest of the path). Templates compile
/// to the same regex form, so both match, capture and reverse the same way.
/// </summary>
public sealed class RoutePattern
{
    private static readonly Regex TemplateParameter = new(@"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.Compiled);

    private readonly Regex _regex;
    private readonly string[] _groupNames;
    // Group numbers in the order their '(' appears in the pattern: the order of RouteValues.Positional.
    private readonly int[] _positionalGroups;
    // For reverse URLs: literal pieces between captures, when the pattern is simple enough to reverse.
    private readonly List<string>? _reverseParts;
    // Per capture of a template: true for {*rest}, whose '/' separators are kept when reversing.
    private readonly bool[]? _catchAll;

    private RoutePattern(string source, Regex regex, List<string>? reverseParts, bool[]? catchAll = null)
    {
        Source = source;
        _regex = regex;
        _reverseParts = reverseParts;
        _catchAll = catchAll;
        _groupNames = regex.GetGroupNames().Where(n => !int.TryParse(n, out _)).ToArray();
        _positionalGroups = GroupsInPatternOrder(regex);
    }

    /// <summary>The pattern as written.</summary>
    public string Source { get; }

    /// <summary>
    /// Parses a regular expression when the text has regex syntax (groups, classes, quantifiers, anchors), else a
    /// template: "{name}" parameters and literal text, so "/robots.txt" does not also match "/robotsXtxt".
    /// </summary>
    public static RoutePattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (!LooksLikeRegex(TemplateParameter.Replace(pattern, ""))) return FromTemplate(pattern);
        try { return FromRegex(new Regex(pattern, RegexOptions.CultureInvariant)); }
        catch (ArgumentException e) { throw new ArgumentException($"invalid route pattern '{pattern}': {e.Message}", nameof(pattern), e); }
    }

    public static RoutePattern FromRegex(Regex regex)
    {
        var source = regex.ToString();
        var anchored = source;
        if (!anchored.StartsWith('^')) anchored = "^" + anchored;
        if (!anchored.EndsWith('$')) anchored += "$";
        var compiled = new Regex(anchored, regex.Options | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        return new RoutePattern(source, compiled, ReversePartsOf(source));
    }

    private static RoutePattern FromTemplate(string template)
    {
        var sb = new StringBuilder("^");
        var parts = new List<string>();
        var catchAlls = new List<bool>();
        var last = 0;
        foreach (Match m in TemplateParameter.Matches(template))
        {
            var literal = template[last..m.Index];
            sb.Append(Regex.Escape(literal));
            parts.Add(literal);
            var catchAll = m.Groups[1].Value == "*";
            // .NET accepts a repeated group name and keeps only the last capture: refuse it instead.
            if (TemplateParameter.Matches(template[..m.Index]).Any(earlier => earlier.Groups[2].Value == m.Groups[2].Value))
                throw new ArgumentException($"route template '{template}' names '{m.Groups[2].Value}' twice", nameof(template));
            catchAlls.Add(catchAll);
            sb.Append("(?<").Append(m.Groups[2].Value).Append('>').Append(catchAll ? ".*" : "[^/]+").Append(')');
            last = m.Index + m.Length;
        }
        var tail = template[last..];
        sb.Append(Regex.Escape(tail)).Append('$');
        parts.Add(tail);
        Regex regex;
        try { regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled); }
        catch (ArgumentException e) { throw new ArgumentException($"invalid route template '{template}': {e.Message}", nameof(template), e); }
        return new RoutePattern(template, regex, parts, catchAlls.ToArray());
    }

    /// <summary>Matches the raw (still percent-encoded) path; captures are decoded.</summary>
    public RouteValues? Match(string rawPath)
    {
        var m = _regex.Match(rawPath);
        if (!m.Success) return null;
        if (m.Groups.Count == 1) return RouteValues.Empty;
        var named = new Dictionary<string, string>(_groupNames.Length, StringComparer.Ordinal);
        foreach (var name in _groupNames) named[name] = UrlEncoding.DecodePath(m.Groups[name].Value);
        // A group that did not take part in the match (optional) yields "".
        var positional = new string[_positionalGroups.Length];
        for (var i = 0; i < positional.Length; i++) positional[i] = UrlEncoding.DecodePath(m.Groups[_positionalGroups[i]].Value);
        return new RouteValues(positional, named);
    }

    /// <summary>Fills the captures with <paramref name="args"/> (percent-encoded) — Tornado's reverse_url.</summary>
    public string Reverse(params object[] args)
    {
        if (_reverseParts is null) throw new InvalidOperationException($"route '{Source}' is too complex to reverse");
        if (args.Length != _reverseParts.Count - 1)
            throw new ArgumentException($"route '{Source}' takes {_reverseParts.Count - 1} argument(s), got {args.Length}");
        var sb = new StringBuilder(_reverseParts[0]);
        for (var i = 0; i < args.Length; i++)
        {
            var value = Convert.ToString(args[i], System.Globalization.CultureInfo.InvariantCulture) ?? "";
            // Every reserved character is escaped (Match decodes it back), except the separators of a {*rest}
            // capture, which is a path on purpose.
            if (_catchAll is not null && _catchAll[i])
                sb.AppendJoin('/', value.Split('/').Select(Uri.EscapeDataString));
            else
                sb.Append(Uri.EscapeDataString(value));
            sb.Append(_reverseParts[i + 1]);
        }
        return sb.ToString();
    }

    private static bool LooksLikeRegex(string s) => s.IndexOfAny(['(', ')', '[', ']', '\\', '^', '$', '*', '+', '?', '|']) >= 0;

    /// <summary>Literal pieces around top-level groups, as Tornado's _find_groups: null if not reversible.</summary>
    private static List<string>? ReversePartsOf(string pattern)
    {
        var p = pattern.TrimStart('^');
        if (p.EndsWith('$')) p = p[..^1];
        var parts = new List<string>();
        var sb = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '\\' && i + 1 < p.Length)
            {
                if (depth == 0) sb.Append(p[i + 1]);
                i++;
                continue;
            }
            if (c == '(')
            {
                if (depth == 0)
                {
                    // Only capturing groups take an argument; (?:…), look-arounds and inline options would not.
                    if (i + 1 < p.Length && p[i + 1] == '?' && NamedGroupAt(p, i) is null) return null;
                    parts.Add(sb.ToString());
                    sb.Clear();
                }
                depth++;
                continue;
            }
            if (c == ')')
            {
                depth--;
                if (depth < 0) return null;
                continue;
            }
            if (depth == 0)
            {
                if ("[]*+?{}|.".Contains(c)) return null;
                sb.Append(c);
            }
        }
        if (depth != 0) return null;
        parts.Add(sb.ToString());
        return parts;
    }

    /// <summary>
    /// Capture group numbers ordered by where each group opens in the pattern. .NET numbers unnamed groups before
    /// named ones, and an optional group that did not match has no position, so neither the numbering nor the match
    /// index gives the path order. Falls back to numbering order if the pattern defeats this scan.
    /// </summary>
    private static int[] GroupsInPatternOrder(Regex regex)
    {
        var numbers = regex.GetGroupNumbers().Where(n => n != 0).ToArray();
        var p = regex.ToString();
        var order = new List<int>(numbers.Length);
        var unnamed = 0;
        var inClass = false;
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '\\') { i++; continue; }
            if (inClass) { if (c == ']') inClass = false; continue; }
            if (c == '[')
            {
                inClass = true;
                if (i + 1 < p.Length && p[i + 1] == '^') i++;
                if (i + 1 < p.Length && p[i + 1] == ']') i++; // a leading ']' is literal
                continue;
            }
            if (c != '(') continue;
            if (i + 1 < p.Length && p[i + 1] == '?')
            {
                if (NamedGroupAt(p, i) is { } name && regex.GroupNumberFromName(name) is var n and > 0) order.Add(n);
                continue;
            }
            order.Add(++unnamed);
        }
        var consistent = order.Count == numbers.Length && order.Order().SequenceEqual(numbers.Order());
        return consistent ? order.ToArray() : numbers;
    }

    /// <summary>The name of a "(?&lt;name&gt;" or "(?'name'" group opening at <paramref name="open"/>, else null.</summary>
    private static string? NamedGroupAt(string p, int open)
    {
        if (open + 3 >= p.Length || p[open + 1] != '?') return null;
        var q = p[open + 2];
        if (q is not ('<' or '\'')) return null;
        if (q == '<' && p[open + 3] is '=' or '!') return null; // look-behind
        var close = p.IndexOf(q == '<' ? '>' : '\'', open + 3);
        if (close < 0) return null;
        var name = p[(open + 3)..close];
        var dash = name.IndexOf('-'); // balancing group "(?<name-other>": captures as name
        if (dash >= 0) name = name[..dash];
        return name.Length == 0 ? null : name;
    }
}
