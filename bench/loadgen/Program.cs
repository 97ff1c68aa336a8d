using LoadGen;

// WebSocket load generator for bench/ws, bench/idle, bench/scale and bench/soak (see bench/README.md). Loopback only; every phase is bounded;
// the last line of output is "RESULT key=value ..." for the scripts. Exit codes: 0 ok, 1 the run failed (errors,
// loss, timeouts), 2 usage, 3 overran --max-seconds.
//
//   LoadGen echo --url ws://127.0.0.1:P/ws [--connections 100] [--duration 15] [--payload 32] [--expect-prefix S]
//                [--timeout 10] [--connect-concurrency 64] [--max-seconds 600]
//   LoadGen broadcast --url ws://127.0.0.1:P/chat[,ws://127.0.0.1:P2/chat...] [--subscribers 1000] [--messages 1000] [--publishers 1]
//                [--payload 32] [--window 100] [--settle-timeout 30] [--timeout 120] [--connect-concurrency 64]
//                [--max-seconds 600]
//   LoadGen idle --url ws://127.0.0.1:P/ws | --kind http --url http://127.0.0.1:P/  --server-pid PID
//                [--steps 1000,10000] [--settle 3] [--warmup-connections 200] [--source-addresses 127.0.0.2,...]
//                [--connect-concurrency 64] [--step-timeout 120] [--max-seconds 600]
//   LoadGen hold --url ws://127.0.0.1:P/chat[,URL...] --connections N --marker TEXT [--source-addresses 127.0.0.2,...]
//                [--connect-concurrency 64] [--open-timeout 600] [--marker-timeout 600] [--max-seconds 600]
//   LoadGen publish --url ws://127.0.0.1:P/chat --marker TEXT [--timeout 60] [--max-seconds 600]
//   LoadGen soak --url http://127.0.0.1:P --server-pid PID --samples FILE.csv [--duration 1800] [--sample-interval 10]
//                [--steady-after 300] [--max-rise 0.10] [--count-allowance 5] [--keepalive-connections 4] [--new-connection-workers 2]
//                [--echo-clients 4] [--subscribers 20] [--max-seconds 600]

const string Usage = """
    usage: LoadGen echo --url ws://127.0.0.1:PORT/ws [--connections 100] [--duration 15] [--payload 32]
                        [--expect-prefix TEXT] [--timeout 10] [--connect-concurrency 64] [--max-seconds 600]
           LoadGen broadcast --url ws://127.0.0.1:PORT/chat[,URL...] [--subscribers 1000] [--messages 1000] [--publishers 1]
                        [--payload 32] [--window 100] [--settle-timeout 30] [--timeout 120]
                        [--connect-concurrency 64] [--max-seconds 600]
           LoadGen idle [--kind ws] --url ws://127.0.0.1:PORT/ws --server-pid PID [--steps 1000,10000] [--settle 3]
                        [--warmup-connections 200] [--source-addresses 127.0.0.2,127.0.0.3] [--connect-concurrency 64]
                        [--step-timeout 120] [--max-seconds 600]
           LoadGen idle --kind http --url http://127.0.0.1:PORT/ --server-pid PID [same options]
           LoadGen hold --url ws://127.0.0.1:PORT/chat[,URL...] --connections N --marker TEXT
                        [--source-addresses 127.0.0.2,...] [--connect-concurrency 64] [--open-timeout 600]
                        [--marker-timeout 600] [--max-seconds 600]
           LoadGen publish --url ws://127.0.0.1:PORT/chat --marker TEXT [--timeout 60] [--max-seconds 600]
           LoadGen soak --url http://127.0.0.1:PORT --server-pid PID --samples FILE.csv [--duration 1800]
                        [--sample-interval 10] [--steady-after 300] [--max-rise 0.10] [--count-allowance 5] [--keepalive-connections 4]
                        [--new-connection-workers 2] [--echo-clients 4] [--subscribers 20] [--max-seconds 600]
    """;

var log = Console.Out;
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

Func<TextWriter, Task<int>> run;
Timer killSwitch;
try
{
    var options = new Arguments(args.Skip(1));
    // The last resort: whatever hangs, the process ends (exit 3) after --max-seconds.
    var maxSeconds = options.Seconds("max-seconds", 600, 86_400);
    run = args[0] switch
    {
        "echo" => new EchoBenchmark(options).RunAsync,
        "broadcast" => new BroadcastBenchmark(options).RunAsync,
        "idle" => new IdleBenchmark(options).RunAsync,
        "hold" => new HoldBenchmark(options).RunAsync,
        "publish" => new PublishOnce(options).RunAsync,
        "soak" => new SoakBenchmark(options).RunAsync,
        _ => throw new UsageException($"unknown mode '{args[0]}' (echo, broadcast, idle, hold, publish or soak)"),
    };
    options.EnsureAllRead();
    killSwitch = new Timer(_ =>
    {
        Console.Out.WriteLine($"error: overran --max-seconds {maxSeconds}; exiting");
        Console.Out.Flush();
        Environment.Exit(3);
    }, null, TimeSpan.FromSeconds(maxSeconds), Timeout.InfiniteTimeSpan);
}
catch (Exception e) when (e is UsageException or ArgumentException)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    return await run(log);
}
catch (Exception e)
{
    log.WriteLine($"error: {e.GetType().Name}: {e.Message}");
    return 1;
}
finally
{
    GC.KeepAlive(killSwitch);   // an unreferenced Timer may be collected before it fires
}
