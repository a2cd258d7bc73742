using BenchmarkDotNet.Running;
using ClosedLoop.Benchmarks;

// `duckdb-load FILE OUT` runs the peer of the macro benchmark (DuckDB's own NDJSON -> partitioned Parquet load);
// anything else goes to BenchmarkDotNet (e.g. `--filter *Enrich*`).
if (args is ["duckdb-load", var file, var output])
    return DuckDbPeerLoader.Run(file, output);

BenchmarkSwitcher.FromAssembly(typeof(DuckDbPeerLoader).Assembly).Run(args);
return 0;
