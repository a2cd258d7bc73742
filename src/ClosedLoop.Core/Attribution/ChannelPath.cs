namespace ClosedLoop.Core.Attribution;

/// <summary>
/// One distinct path of channels in time order with how many times it ended in a conversion and how many times it
/// ended without one. Persons with the same path are counted together so the Markov chain is built once per path,
/// not once per person.
/// </summary>
/// <param name="Channels">Channel names in time order; compared ordinally (case-sensitive). May be empty: a person with
/// no touchpoint goes from start straight to conversion or null.</param>
/// <param name="Conversions">Times the path ended in a conversion (at least 0).</param>
/// <param name="NonConversions">Times the path ended without one (at least 0).</param>
public sealed record ChannelPath(IReadOnlyList<string> Channels, long Conversions, long NonConversions);
