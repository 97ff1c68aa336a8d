using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;
using Fluid.Values;
using Hub.Configuration;
using Hub.Handlers.StaticFiles;

namespace Hub.Templates;

/// <summary>
/// The templates of one hub.templates.path: each compiled once on first use and kept (re-read when its file changed,
/// with hub.templates.watch), rendered with HTML encoding of every output, includes (<c>{% include 'x.html' %}</c>,
/// <c>{% render %}</c>) and layouts (<c>{% layout 'base.html' %}</c> in a page; <c>{{ content }}</c> in the layout).
/// One loader per settings value, shared by every request and thread; compiled templates are immutable.
/// </summary>
internal sealed partial class TemplateLoader
{
    private const int MaxLayoutDepth = 8;
    private const string LayoutKey = "hub.layout";

    private static readonly ConcurrentDictionary<TemplateSettings, TemplateLoader> Loaders = new();

    // Thread-safe once configured. Functions are on so templates can call Tornado's helpers: static_url('app.js').
    private static readonly FluidParser Parser = CreateParser();

    private readonly string _root;
    private readonly bool _watch;
    private readonly ConcurrentDictionary<string, Compiled> _compiled = new(StringComparer.Ordinal);
    // Without watch, an include's file is looked at once: Fluid's own cache then never sees a newer timestamp.
    private readonly ConcurrentDictionary<string, TemplateSourceInfo> _includes = new(StringComparer.Ordinal);

    private TemplateLoader(TemplateSettings settings)
    {
        _root = Directory.Exists(settings.FullPath) ? StaticPath.RealRoot(settings.FullPath) : settings.FullPath;
        _watch = settings.Watch;
        Options = new TemplateOptionsBuilder()
            .WithStrictVariables(settings.StrictVariables)
            .WithFileProvider(new DelegateTemplateFileProvider(Include))
            .Build();
    }

    public TemplateOptions Options { get; }

    public static TemplateLoader For(TemplateSettings settings) => Loaders.GetOrAdd(settings, static s => new TemplateLoader(s));

    /// <summary>Renders <paramref name="name"/> and the layouts it names, innermost first.</summary>
    public string Render(string name, TemplateContext context)
    {
        var current = name;
        var body = RenderOne(current, context);
        for (var depth = 1; context.AmbientValues.Remove(LayoutKey, out var layout); depth++)
        {
            if (depth > MaxLayoutDepth) throw new TemplateException(current, null, $"more than {MaxLayoutDepth} nested layouts");
            current = (string)layout!;
            // The page's output is HTML already: the layout inserts it as it is.
            context.SetValue("content", StringValue.Create(body, false));
            body = RenderOne(current, context);
        }
        return body;
    }

    private string RenderOne(string name, TemplateContext context)
    {
        var compiled = Get(name);
        try
        {
            // Fluid's synchronous path: includes come from Include below, which never waits, so nothing blocks.
            return compiled.Template.Render(context, HtmlEncoder.Default, false);
        }
        catch (TemplateException)
        {
            throw;
        }
        catch (ParseException e) when (FailedInclude().Match(e.Message) is { Success: true } include)
        {
            throw new TemplateException(include.Groups[1].Value, LineIn(e.Message), FirstLine(e.Message[(include.Length)..].TrimStart()), e);
        }
        catch (FluidException e) when (UndefinedVariable().Match(e.Message) is { Success: true } undefined)
        {
            throw new TemplateException(name, compiled.Source.LineOf(undefined.Groups[1].Value), e.Message, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new TemplateException(name, LineIn(e.Message), $"{e.GetType().Name}: {FirstLine(e.Message)}", e);
        }
    }

    private Compiled Get(string name)
    {
        if (_compiled.TryGetValue(name, out var cached) && !(_watch && cached.Source.IsStale())) return cached;
        var source = Read(name);
        if (!Parser.TryParse(source.Text, out var template, out var error))
            throw new TemplateException(name, LineIn(error), FirstLine(error));
        var compiled = new Compiled(source, template);
        _compiled[name] = compiled;
        return compiled;
    }

    private TemplateSource Read(string name)
    {
        var full = Resolve(name) ?? throw new TemplateException(name, null, "the name leaves hub.templates.path");
        try
        {
            return TemplateSource.Read(name, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TemplateException(name, null, e.Message, e);
        }
    }

    private string? Resolve(string name) => StaticPath.TryResolve(_root, name, out var full) ? full : null;

    /// <summary>Fluid's file provider for includes and renders; null (Fluid: file not found) for a missing file.</summary>
    private ValueTask<TemplateSourceInfo> Include(string name, TemplateContext context, CancellationToken cancel)
    {
        if (!_watch && _includes.TryGetValue(name, out var known)) return new ValueTask<TemplateSourceInfo>(known);
        var full = Resolve(name);
        var info = full is null ? null : new FileInfo(full);
        if (info is not { Exists: true }) return new ValueTask<TemplateSourceInfo>((TemplateSourceInfo)null!);
        // Handed over in memory: a FileStream's async read could complete later, and Render runs Fluid's synchronous
        // path on the connection's actor, where waiting for it would block the actor (and deadlock its continuation).
        var source = new TemplateSourceInfo(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero),
            _ => new ValueTask<Stream>(new MemoryStream(File.ReadAllBytes(info.FullName), writable: false)), name);
        if (!_watch) _includes.TryAdd(name, source);
        return new ValueTask<TemplateSourceInfo>(source);
    }

    private static FluidParser CreateParser()
    {
        var parser = new FluidParser(new FluidParserOptions { AllowFunctions = true });
        parser.RegisterExpressionTag("layout", static async (expression, _, _, context) =>
        {
            context.AmbientValues[LayoutKey] = (await expression.EvaluateAsync(context).ConfigureAwait(false)).ToStringValue(context);
            return Completion.Normal;
        });
        return parser;
    }

    private static int? LineIn(string message) =>
        Position().Match(message) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    // Fluid reports parse errors as "... at (line:column)".
    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex Position();

    [GeneratedRegex(@"Undefined variable '([^']+)'")]
    private static partial Regex UndefinedVariable();

    [GeneratedRegex(@"^Failed to parse template '([^']+)'\.")]
    private static partial Regex FailedInclude();

    private sealed record Compiled(TemplateSource Source, IFluidTemplate Template);
}
