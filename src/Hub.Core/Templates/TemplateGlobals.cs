using Fluid;
using Fluid.Values;

namespace Hub.Templates;

/// <summary>
/// What every template sees besides its model: Tornado's template namespace — <c>current_user</c>,
/// <c>xsrf_form_html()</c>, <c>static_url('path')</c> and <c>reverse_url('name', args…)</c> — bound to the handler
/// rendering it.
/// </summary>
internal static class TemplateGlobals
{
    public static TemplateContext Create(RequestHandler handler, object? model, TemplateOptions options)
    {
        var context = model is null ? new TemplateContext(options, options.ModelNamesComparer) : new TemplateContext(model, options);
        context.SetValue("current_user", handler.CurrentUser is { } user ? StringValue.Create(user) : NilValue.Instance);
        // Markup Hub builds itself: inserted as it is, not encoded again.
        context.SetValue("xsrf_form_html", FunctionValue.Create((_, _) => StringValue.Create(handler.XsrfFormHtml(), false)));
        context.SetValue("static_url", FunctionValue.Create((args, c) => StringValue.Create(handler.StaticUrl(args.At(0).ToStringValue(c)))));
        context.SetValue("reverse_url", FunctionValue.Create((args, c) =>
        {
            var values = new object[Math.Max(0, args.PositionalCount - 1)];
            for (var i = 0; i < values.Length; i++) values[i] = args.At(i + 1).ToStringValue(c);
            return StringValue.Create(handler.Application.ReverseUrl(args.At(0).ToStringValue(c), values));
        }));
        return context;
    }
}
