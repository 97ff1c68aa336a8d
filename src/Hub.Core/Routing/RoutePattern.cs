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
    // For reverse URLs: literal pieces between captures, when the pattern is simple enough to reverse.
    private readonly List<string>? _reverseParts;

    private RoutePattern(string source, Regex regex, List<string>? reverseParts)
    {
        Source = source;
        _regex = regex;
        _reverseParts = reverseParts;
        _groupNames = regex.GetGroupNames().Where(n => !int.TryParse(n, out _)).ToArray();
    }

    /// <summary>The pattern as written.</summary>
    public string Source { get; }

    /// <summary>Parses a template ("{name}") or, when the text has regex syntax, a regular expression.</summary>
    public static RoutePattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (TemplateParameter.IsMatch(pattern) && !LooksLikeRegex(TemplateParameter.Replace(pattern, "")))
            return FromTemplate(pattern);
        return FromRegex(new Regex(pattern, RegexOptions.CultureInvariant));
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
        var last = 0;
        foreach (Match m in TemplateParameter.Matches(template))
        {
            var literal = template[last..m.Index];
            sb.Append(Regex.Escape(literal));
            parts.Add(literal);
            var catchAll = m.Groups[1].Value == "*";
            sb.Append("(?<").Append(m.Groups[2].Value).Append('>').Append(catchAll ? ".*" : "[^/]+").Append(')');
            last = m.Index + m.Length;
        }
        var tail = template[last..];
        sb.Append(Regex.Escape(tail)).Append('$');
        parts.Add(tail);
        return new RoutePattern(template, new Regex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.Compiled), parts);
    }

    /// <summary>Matches the raw (still percent-encoded) path; captures are decoded.</summary>
    public RouteValues? Match(string rawPath)
    {
        var m = _regex.Match(rawPath);
        if (!m.Success) return null;
        if (m.Groups.Count == 1) return RouteValues.Empty;
        var named = new Dictionary<string, string>(_groupNames.Length, StringComparer.Ordinal);
        foreach (var name in _groupNames) named[name] = UrlEncoding.DecodePath(m.Groups[name].Value);
        // .NET numbers unnamed groups before named ones; positional values follow the path order instead.
        var groups = new Group[m.Groups.Count - 1];
        for (var i = 1; i < m.Groups.Count; i++) groups[i - 1] = m.Groups[i];
        Array.Sort(groups, static (a, b) => a.Index.CompareTo(b.Index));
        var positional = new string[groups.Length];
        for (var i = 0; i < groups.Length; i++) positional[i] = UrlEncoding.DecodePath(groups[i].Value);
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
            sb.Append(Uri.EscapeDataString(value)).Append(_reverseParts[i + 1]);
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
                if (depth == 0) { parts.Add(sb.ToString()); sb.Clear(); }
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
}
