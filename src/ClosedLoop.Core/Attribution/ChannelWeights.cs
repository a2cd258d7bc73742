using System.Collections.ObjectModel;

namespace ClosedLoop.Core.Attribution;

/// <summary>
/// The credit a data-driven model gives each channel: <see cref="Weights"/> split each conversion between channels, and
/// <see cref="Scores"/> keep the model's own number behind the split so a report can show why.
/// </summary>
/// <param name="Weights">Shares in [0, 1] summing to 1: a channel's positive score over the sum of positive scores, 0 for
/// the others. Empty when no channel has a positive score (no input, no conversions).</param>
/// <param name="Scores">One entry per channel in the input. Markov: the removal effect in [0, 1]; Shapley: the Shapley
/// value. Both dictionaries enumerate in ordinal channel order.</param>
public sealed record ChannelWeights(IReadOnlyDictionary<string, double> Weights, IReadOnlyDictionary<string, double> Scores)
{
    /// <summary>No channels at all.</summary>
    public static ChannelWeights Empty { get; } = FromScores([], []);

    /// <summary>Builds both maps from scores; channels must be distinct and in ordinal order, as both models keep them.</summary>
    internal static ChannelWeights FromScores(string[] channels, double[] scores)
    {
        var positive = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > 0)
                positive += scores[i];
        }
        var scoreMap = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var weightMap = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < channels.Length; i++)
        {
            scoreMap.Add(channels[i], scores[i]);
            if (positive > 0)
                weightMap.Add(channels[i], scores[i] > 0 ? scores[i] / positive : 0.0);
        }
        return new ChannelWeights(
            new ReadOnlyDictionary<string, double>(weightMap),
            new ReadOnlyDictionary<string, double>(scoreMap));
    }
}
