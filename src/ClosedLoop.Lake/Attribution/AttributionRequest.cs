using ClosedLoop.Core;

namespace ClosedLoop.Lake.Attribution;

/// <summary>What <c>closedloop attribute</c> asks for; the defaults follow SPEC section 6.</summary>
public sealed class AttributionRequest
{
    /// <summary><c>lead</c>, <c>mql</c>, <c>sql</c>, <c>opportunity</c>, <c>customer</c>, <c>deal</c> or <c>event:NAME</c>.</summary>
    public required string ConversionType { get; init; }

    public IReadOnlyList<string> Models { get; init; } = ["first", "last", "linear"];

    /// <summary>The touch field reports group by (and data-driven models build their paths from).</summary>
    public string Dimension { get; init; } = "channel";

    /// <summary>Touches older than this before the conversion are not on its path.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Conversions from this UTC day on (inclusive); null = no lower bound. Also bounds spend.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Conversions up to this UTC day (inclusive); null = no upper bound. Also bounds spend.</summary>
    public DateOnly? To { get; init; }

    /// <summary>Time-decay half-life in days.</summary>
    public double HalfLifeDays { get; init; } = 7;

    /// <summary>Markov chain order, 1 to 4.</summary>
    public int MarkovOrder { get; init; } = 1;

    /// <summary>Collapse consecutive repeats of a value on a path before building the Markov chain.</summary>
    public bool CollapseRepeats { get; init; } = true;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConversionType))
            throw new UserInputException("no conversion type: use lead, mql, sql, opportunity, customer, deal or event:NAME");
        if (Lookback <= TimeSpan.Zero)
            throw new UserInputException($"lookback must be positive (got {Lookback})");
        if (HalfLifeDays <= 0 || double.IsNaN(HalfLifeDays))
            throw new UserInputException($"half-life must be a positive number of days (got {HalfLifeDays})");
        if (MarkovOrder is < 1 or > 4)
            throw new UserInputException($"Markov order must be 1 to 4 (got {MarkovOrder})");
        if (From is { } from && To is { } to && from > to)
            throw new UserInputException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}");
    }
}
