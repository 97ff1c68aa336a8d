namespace Hub.Templates;

/// <summary>
/// A template could not be compiled or rendered: its name, the line when known, and what went wrong. The request
/// becomes a 500; the message is logged, and shown on the error page only with hub.debug = on.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string template, int? line, string problem, Exception? inner = null)
        : base($"template '{template}'{(line is { } l ? $" line {l}" : "")}: {problem}", inner)
    {
        Template = template;
        Line = line;
        Problem = problem;
    }

    /// <summary>The template's name, relative to hub.templates.path.</summary>
    public string Template { get; }

    /// <summary>The 1-based line of the problem, when Fluid reports it or the offending name can be found.</summary>
    public int? Line { get; }

    /// <summary>What went wrong, without the template's name.</summary>
    public string Problem { get; }
}
