namespace ClosedLoop.Core.Attribution;

/// <summary>
/// Persons whose exact (unordered, distinct) set of channels was <see cref="Channels"/>, and how many of them converted.
/// Shapley attribution needs only these counts, not the order of touchpoints.
/// </summary>
/// <param name="Channels">The channel set; order and repeats are ignored, names compared ordinally.</param>
/// <param name="Persons">Persons exposed to exactly this set (at least 0).</param>
/// <param name="Conversions">How many of them converted (0 to <paramref name="Persons"/>).</param>
public sealed record ChannelSetCount(IReadOnlyList<string> Channels, long Persons, long Conversions);
