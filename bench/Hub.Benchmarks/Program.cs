using BenchmarkDotNet.Running;

// Pick benchmarks with BenchmarkDotNet's usual switches, e.g. `-- --filter '*' --job short`.
BenchmarkSwitcher.FromAssembly(typeof(Hub.Benchmarks.RequestDecoderBenchmarks).Assembly).Run(args);
