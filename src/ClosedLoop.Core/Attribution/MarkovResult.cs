namespace ClosedLoop.Core.Attribution;

/// <summary>
/// What <see cref="MarkovAttribution.Solve(IEnumerable{ChannelPath}, MarkovOptions)"/> found: the attribution and the
/// conversion probabilities it was derived from, so a report can show the chain's numbers, not only the split.
/// </summary>
/// <param name="Attribution">Removal effects as <see cref="ChannelWeights.Scores"/> and their normalised shares.</param>
/// <param name="BaseConversionRate">P(conversion) from start in the full chain.</param>
/// <param name="ConversionRateWithout">Per channel, P(conversion) from start with the channel removed (0 for every
/// channel when there are no conversions); ordinal channel order.</param>
/// <param name="TransientStates">States of the chain other than conversion and null, start included.</param>
public sealed record MarkovResult(
    ChannelWeights Attribution,
    double BaseConversionRate,
    IReadOnlyDictionary<string, double> ConversionRateWithout,
    int TransientStates);
