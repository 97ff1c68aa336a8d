using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hub.Integration.Tests.Host;

/// <summary>
/// Hub.Host.dll run as a real process (`dotnet Hub.Host.dll …`), as an operator would. The test project references
/// Hub.Host, so the dll, its runtimeconfig and hocon/hub.conf sit next to the test assembly. Disposing kills the
/// process if it is still running.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "Hub.Host.dll");

    public int Pid => _process.Id;

    public IReadOnlyList<string> StdoutLines => _stdout.ToArray();

    public IReadOnlyList<string> StderrLines => _stderr.ToArray();

    public static HostProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(HostDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnStderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Runs to completion (bounded) and returns the exit code with everything printed.</summary>
    public static async Task<(int Code, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> RunAsync(params string[] args)
    {
        using var host = Start(args);
        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, host.StdoutLines, host.StderrLines);
    }

    /// <summary>The address from the "Hub listening on http://…" line.</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan? timeout = null)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        if (first != _listening.Task)
            throw new InvalidOperationException($"host exited with {_process.ExitCode} before listening: {string.Join("\n", _stderr)}");
        return await _listening.Task;
    }

    /// <summary>Sends a signal with kill(1): Process.Kill only sends SIGKILL.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Pid.ToString()]);
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code, once the process and its output streams have ended.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    private void OnStdout(string? line)
    {
        if (line is null) { _stdoutClosed.TrySetResult(); return; }
        _stdout.Enqueue(line);
        var m = ListeningLine().Match(line);
        if (m.Success) _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    private void OnStderr(string? line)
    {
        if (line is null) { _stderrClosed.TrySetResult(); return; }
        _stderr.Enqueue(line);
    }

    [GeneratedRegex(@"^Hub listening on (http://\S+)$")]
    private static partial Regex ListeningLine();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
    }
}
