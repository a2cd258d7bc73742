using ClosedLoop.LoadGenerator;

// `load-gen URL --write-key K [--connections C] [--batch N] [--duration 20s] [--warmup 3s] [--rate EVENTS_PER_S]`
// `bare-kestrel [--urls URL]`: the baseline endpoint that only reads and discards POST /v1/batch bodies.
try
{
    return args switch
    {
        ["load-gen", .. var rest] => await LoadGen.RunAsync(LoadGenOptions.Parse(rest)),
        ["bare-kestrel", .. var rest] => await BareKestrel.RunAsync(rest),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          load-gen URL --write-key K [--connections 16] [--batch 100] [--duration 20s] [--warmup 3s] [--rate EVENTS_PER_S]
          bare-kestrel [--urls http://127.0.0.1:8081]
        """);
    return 2;
}
