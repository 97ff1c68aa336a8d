using System.Diagnostics;
using System.Reflection;

namespace Hub.Integration.Tests.Packaging;

/// <summary>Runs the dotnet CLI as a child process, bounded in time, for the packaging tests.</summary>
internal static class DotnetCli
{
    /// <summary>The configuration this test assembly was built in: pack uses the build of the same one.</summary>
    public static string Configuration =>
        typeof(DotnetCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/>; returns its exit code and its
    /// standard output and error together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, string workingDirectory,
        TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Executable())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Packs src/<paramref name="project"/> (already built) into <paramref name="output"/>; returns the
    /// .nupkg path.</summary>
    public static async Task<string> PackAsync(string project, DirectoryInfo output)
    {
        var projectFile = Path.Combine(RepositoryRoot(), "src", project, project + ".csproj");
        var (exit, log) = await RunAsync(["pack", projectFile, "-c", Configuration, "--no-build", "-o", output.FullName, "-nologo"],
            RepositoryRoot(), TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"dotnet pack {project} failed ({exit}):\n{log}");
        var nupkg = Path.Combine(output.FullName, $"{project}.0.1.0.nupkg");
        Assert.True(File.Exists(nupkg), $"no {nupkg}; pack wrote: " + string.Join(", ", output.GetFiles().Select(f => f.Name)));
        return nupkg;
    }

    /// <summary>The dotnet that runs this test (the SDK sets DOTNET_HOST_PATH for its child processes).</summary>
    private static string Executable() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Hub.sln above " + AppContext.BaseDirectory);
    }
}
