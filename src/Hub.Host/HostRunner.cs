using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Event;
using Hub.Host.Dashboard;
using Hub.Host.DemoApp;
using Hub.Host.Logging;
using Hub.Host.Telemetry;

namespace Hub.Host;

/// <summary>
/// Hub.Host from command line to exit code: parse flags, layer the configuration, start an ActorSystem with the demo
/// application, report the bound address, and stop gracefully when <c>stop</c> fires. Every startup failure is one
/// line on stderr — the operator needs the cause, not a stack trace.
/// </summary>
public static class HostRunner
{
    public const int ExitOk = 0;
    public const int ExitStartupFailed = 1;
    public const int ExitUsage = 2;

    /// <summary>Runs until <paramref name="stop"/> fires (or the ActorSystem terminates); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var commandLine = new HostCommandLine();
        var parse = commandLine.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return ExitUsage;
        }

        var exitCode = ExitOk;
        commandLine.Root.SetAction(async (result, _) =>
        {
            exitCode = await ServeAsync(commandLine.Read(result), stdout, stderr, stop).ConfigureAwait(false);
            return exitCode;
        });
        // Signals are the caller's business (see TerminationSignals): System.CommandLine's own handler would end the
        // process after a fixed 2 s, cutting the drain short.
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        var code = await parse.InvokeAsync(invocation, CancellationToken.None).ConfigureAwait(false);
        return code == ExitOk ? exitCode : code;
    }

    /// <summary>Starts the host and serves until <paramref name="stop"/> fires; a cluster node downed while alone
    /// with one peer starts again as a fresh single-node cluster (<see cref="DownedAloneRestart"/>).</summary>
    private static async Task<int> ServeAsync(HostOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        // A restart may find its ports not yet released by the stopped ActorSystem: a few tries, a second apart.
        var attemptsLeft = 1;
        while (true)
        {
            RunningHost host;
            try
            {
                host = await StartAsync(options).ConfigureAwait(false);
            }
            catch (Exception e) when (--attemptsLeft > 0 && !stop.IsCancellationRequested)
            {
                stderr.WriteLine($"warning: restart failed ({OneLine(e)}); trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            catch (Exception e)
            {
                // HostStartupException carries the operator-facing line; anything else is reported as briefly.
                stderr.WriteLine("error: " + (e is HostStartupException ? e.Message : $"cannot start: {e.GetType().Name}: {OneLine(e)}"));
                return ExitStartupFailed;
            }

            var restart = DownedAloneRestart.Watch(host.System);
            stdout.WriteLine($"Hub listening on {host.Url.GetLeftPart(UriPartial.Authority)}");
            if (host.TlsUrl is { } tlsUrl) stdout.WriteLine($"Hub listening on {tlsUrl.GetLeftPart(UriPartial.Authority)}");
            stdout.Flush();
            // SIGHUP reloads the TLS certificates (new handshakes use them; open connections keep theirs).
            using (var reload = host.HasTls
                       ? PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
                       {
                           context.Cancel = true;
                           host.ReloadCertificates("SIGHUP");
                       })
                       : null)
            await using (stop.Register(() => _ = host.StopAsync()))
            {
                await host.WhenStopped.ConfigureAwait(false);
            }
            if (stop.IsCancellationRequested || restart?.NextStart(options, host) is not { } next) return ExitOk;
            stdout.WriteLine("Hub: downed by the cluster with no other member left; starting again as a fresh single-node cluster");
            stdout.Flush();
            options = next;
            attemptsLeft = 5;
        }
    }

    /// <summary>
    /// Layers the configuration, starts the ActorSystem "hub" with the demo application and binds. Failures are
    /// <see cref="HostStartupException"/>s with a one-line message; the ActorSystem is terminated before they surface.
    /// </summary>
    public static async Task<RunningHost> StartAsync(HostOptions options, string? hubConfPath = null)
    {
        var (config, configured) = HostConfiguration.Build(options, hubConfPath);
        var (settings, secretGenerated) = GeneratedCookieSecret.Ensure(configured);
        var dashboard = DashboardSettings.FromConfig(config);
        var tlsSettings = TlsListener.Settings(options, config, settings);
        if ((tlsSettings ?? settings).Tls is { Enabled: true } tls) TlsListener.Check(options, tls);
        PortProbe.EnsureBindable(settings.Server);
        if (tlsSettings is not null) PortProbe.EnsureBindable(tlsSettings.Server);
        var (telemetry, systemConfig) = HostTelemetry.Start(config, settings);

        ActorSystem system;
        try
        {
            var setup = BootstrapSetup.Create().WithConfig(systemConfig).And(new LoggerFactorySetup(telemetry.LoggerFactory));
            system = ActorSystem.Create("hub", setup);
        }
        catch (Exception e)
        {
            telemetry.Dispose();
            throw new HostStartupException("cannot start the actor system: " + OneLine(e), e);
        }

        if (secretGenerated) system.Log.Warning(GeneratedCookieSecret.Warning);
        try
        {
            var state = new ServerState();
            var app = DemoApplication.Create(new DemoOptions { ProxyUpstream = options.ProxyUpstream, Dashboard = dashboard }, system, state);
            var binding = await HubServer.StartAsync(system, app, settings).ConfigureAwait(false);
            state.Attach(binding);
            var tlsBinding = tlsSettings is null ? null : await HubServer.StartAsync(system, app, tlsSettings).ConfigureAwait(false);
            return new RunningHost(system, binding, state, telemetry) { TlsBinding = tlsBinding };
        }
        catch (Exception e)
        {
            try { await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (TimeoutException) { /* report the startup failure, not the slow teardown */ }
            telemetry.Dispose();
            // BindFailedException already says "cannot bind host:port: cause".
            throw e is Hub.Server.BindFailedException
                ? new HostStartupException(OneLine(e), e)
                : new HostStartupException($"cannot listen on {settings.Server.Hostname}:{settings.Server.Port}: {OneLine(e)}", e);
        }
    }

    private static string OneLine(Exception e)
    {
        var message = e.Message.AsSpan().Trim();
        var end = message.IndexOfAny('\r', '\n');
        return (end < 0 ? message : message[..end]).ToString();
    }
}
