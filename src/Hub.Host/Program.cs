using Hub.Host;

// Hub.Host: the Hub server with its demo application. Run with --help for the flags.
using var signals = new TerminationSignals();
return await HostRunner.RunAsync(args, Console.Out, Console.Error, signals.Token);
