using ClosedLoop.Core.Events;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>How a session arrives on the site; each maps to one GA4 channel group.</summary>
internal enum LandingSource
{
    GoogleAds,
    LinkedInAds,
    FacebookAds,
    Newsletter,
    Partner,
    OrganicSearch,
    OrganicSocial,
    OtherReferral,
    Direct,
}

/// <summary>
/// The planted channel model: how traffic arrives (weights) and how much each channel raises a
/// person's chance to convert (lifts). Written to truth/channel_lift.csv so attribution can be checked.
/// </summary>
internal static class ChannelPlan
{
    public const int SourceCount = 9;

    /// <summary>The chance to become a lead before any lift; multiplied by the lift of every distinct channel touched.</summary>
    public const double BaseLeadProbability = 0.04;

    public const double MaxLeadProbability = 0.9;

    /// <summary>Channel groups in truth order, with the lift each one plants.</summary>
    public static readonly (string Channel, double Lift)[] Channels =
    [
        (Core.Events.Channels.PaidSearch, 1.6),
        (Core.Events.Channels.PaidSocial, 1.3),
        (Core.Events.Channels.Email, 2.2),
        (Core.Events.Channels.Referral, 1.8),
        (Core.Events.Channels.OrganicSearch, 1.5),
        (Core.Events.Channels.OrganicSocial, 1.1),
        (Core.Events.Channels.Direct, 1.0),
    ];

    // Indexed by LandingSource.
    private static readonly int[] s_channelOf = [0, 1, 1, 2, 3, 4, 5, 3, 6];

    /// <summary>Where first visits come from.</summary>
    public static readonly double[] FirstVisitWeights = [0.16, 0.08, 0.05, 0.04, 0.03, 0.30, 0.07, 0.07, 0.20];

    /// <summary>Where return visits come from: more direct, newsletter clicks and retargeting.</summary>
    public static readonly double[] ReturnVisitWeights = [0.10, 0.05, 0.05, 0.12, 0.02, 0.20, 0.06, 0.05, 0.35];

    public static int ChannelOf(LandingSource source) => s_channelOf[(int)source];

    /// <summary>The share of first visits that land through a channel group.</summary>
    public static double BaseWeight(int channel)
    {
        var sum = 0.0;
        for (var s = 0; s < SourceCount; s++)
        {
            if (s_channelOf[s] == channel)
                sum += FirstVisitWeights[s];
        }
        return sum;
    }

    /// <summary>The product of the lifts of the channel groups set in <paramref name="channelMask"/>.</summary>
    public static double Lift(int channelMask)
    {
        var lift = 1.0;
        for (var c = 0; c < Channels.Length; c++)
        {
            if ((channelMask & (1 << c)) != 0)
                lift *= Channels[c].Lift;
        }
        return lift;
    }
}
