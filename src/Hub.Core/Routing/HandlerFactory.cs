using System.Reflection;

namespace Hub.Routing;

/// <summary>
/// Makes one handler per request. Constructor arguments come, in order, from the route's extra arguments (Tornado's
/// initialize kwargs) and then from the application's <see cref="IServiceProvider"/>; the constructor is chosen once.
/// </summary>
internal sealed class HandlerFactory
{
    private readonly Func<IServiceProvider?, RequestHandler> _create;

    public HandlerFactory(Type handlerType, Func<IServiceProvider?, RequestHandler> create)
    {
        HandlerType = handlerType;
        _create = create;
    }

    public Type HandlerType { get; }

    public RequestHandler Create(IServiceProvider? services) => _create(services);

    public static HandlerFactory For(Type type, object?[] args)
    {
        if (!typeof(RequestHandler).IsAssignableFrom(type) || type.IsAbstract)
            throw new ArgumentException($"{type.Name} must be a concrete RequestHandler");
        var ctors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length).ToArray();
        if (ctors.Length == 0) throw new ArgumentException($"{type.Name} has no public constructor");
        foreach (var ctor in ctors)
        {
            var parameters = ctor.GetParameters();
            if (parameters.Length < args.Length) continue;
            var fits = true;
            for (var i = 0; i < args.Length; i++)
                if (args[i] is { } a && !parameters[i].ParameterType.IsInstanceOfType(a)) { fits = false; break; }
            if (!fits) continue;
            var fixedArgs = args;
            return new HandlerFactory(type, services =>
            {
                var values = new object?[parameters.Length];
                Array.Copy(fixedArgs, values, fixedArgs.Length);
                for (var i = fixedArgs.Length; i < parameters.Length; i++)
                {
                    var p = parameters[i];
                    values[i] = services?.GetService(p.ParameterType)
                                ?? (p.HasDefaultValue ? p.DefaultValue
                                    : throw new InvalidOperationException(
                                        $"cannot construct {type.Name}: no service for parameter '{p.Name}' ({p.ParameterType.Name})"));
                }
                return (RequestHandler)ctor.Invoke(values);
            });
        }
        throw new ArgumentException($"{type.Name} has no constructor taking the route arguments given");
    }
}
