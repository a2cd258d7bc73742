namespace ClosedLoop.Lake.Stitching;

/// <summary>What a stitch run built, as printed at its end.</summary>
public sealed record StitchSummary(
    long Events,
    long Persons,
    long IdentifiedPersons,
    long Identities,
    long SplitCookies,
    long UnlinkableCookies,
    long Sessions,
    long Touchpoints,
    long Conversions,
    IReadOnlyList<StitchStep> Steps)
{
    /// <summary>The figures of the person tables (what a later incremental run carries forward).</summary>
    public Derived.TableFigures Figures => new(Persons, IdentifiedPersons, Identities, SplitCookies, UnlinkableCookies, Events, Sessions, Touchpoints, Conversions);
}

/// <summary>One timed step of a run, for the log.</summary>
public sealed record StitchStep(string Name, TimeSpan Elapsed);
