using Hub.Fuzz;
using SharpFuzz;

// Hub.Fuzz TARGET            run under afl-fuzz (fuzz/run.sh): one input per iteration from AFL++'s forkserver
// Hub.Fuzz TARGET FILE...    replay inputs (a crash or hang from fuzz/out/TARGET/default/crashes) and print what happened
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Hub.Fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

// A regex route may backtrack without bound on a crafted path; RouteTarget accepts a timeout for those only.
AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", TimeSpan.FromMilliseconds(200));

if (args.Length > 1)
{
    var failed = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            target(File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}");
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"FAIL  {file}\n{e}");
        }
    }
    return failed == 0 ? 0 : 1;
}

Action<Stream> run = stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
};
// Akka's HOCON parser recurses: a stack overflow there ends the process, which in-process would take AFL++'s fork
// server with it instead of being saved as a crash. The other targets run in-process, several times faster.
if (args[0] == "hocon") Fuzzer.OutOfProcess.Run(run);
else Fuzzer.Run(run);
return 0;
