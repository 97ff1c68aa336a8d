using System.Text;
using System.Text.RegularExpressions;
using Hub.Routing;

namespace Hub.Fuzz;

/// <summary>
/// <see cref="RoutePattern"/>: the input is a pattern, a line feed, then a path. Parsing may refuse the pattern only
/// with an <see cref="ArgumentException"/>; matching may not throw. For a template, whatever matched must reverse
/// (<see cref="RoutePattern.Reverse"/>) to a path that matches again with the same values (Tornado's reverse_url
/// round trip). A regex route may backtrack without bound on a path: that is the regex's author's choice, so
/// Hub.Fuzz sets a default match timeout and a timeout is accepted for regex routes only.
/// </summary>
public static class RouteTarget
{
    public static void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var lf = text.IndexOf('\n');
        if (lf <= 0) return;
        var source = text[..lf];
        var path = text[(lf + 1)..];

        RoutePattern pattern;
        try { pattern = RoutePattern.Parse(source); }
        catch (ArgumentException) { return; }
        FuzzInvariantException.Check(pattern.Source.Length > 0, "a pattern without source");

        var isTemplate = !LooksLikeRegex(source);
        RouteValues? values;
        try { values = pattern.Match(path); }
        catch (RegexMatchTimeoutException) when (!isTemplate) { return; }
        if (values is null || !isTemplate) return;

        var positional = values.Positional;
        foreach (var (name, value) in values.Named)
            FuzzInvariantException.Check(positional.Contains(value), $"named value {name}={value} is not among the positional ones");
        var reversed = pattern.Reverse(positional.Cast<object>().ToArray());
        var again = pattern.Match(reversed);
        FuzzInvariantException.Check(again is not null, $"'{path}' matched template '{source}', but its reverse '{reversed}' does not");
        FuzzInvariantException.Check(again!.Positional.SequenceEqual(positional),
            $"'{path}' matched template '{source}' as [{string.Join(", ", positional)}], its reverse '{reversed}' as [{string.Join(", ", again.Positional)}]");
    }

    // The same test RoutePattern.Parse applies after removing "{name}" parameters.
    private static bool LooksLikeRegex(string s) =>
        Regex.Replace(s, @"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)\}", "").IndexOfAny(['(', ')', '[', ']', '\\', '^', '$', '*', '+', '?', '|']) >= 0;
}
