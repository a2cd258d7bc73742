using System.Globalization;

namespace ClosedLoop.Lake.Synthetic;

/// <summary>
/// Counts paid landings per campaign and day while events stream by (a fixed campaigns x days
/// grid, so constant memory), then writes daily spend whose clicks match the traffic.
/// </summary>
internal sealed class SpendLedger
{
    private readonly long _windowStart;
    private readonly int _days;
    private readonly long[,] _landings;

    public SpendLedger(long windowStartMs, int days)
    {
        _windowStart = windowStartMs;
        _days = days;
        _landings = new long[SiteCatalog.PaidCampaigns.Length, days];
    }

    public void Add(PersonJourney journey)
    {
        foreach (var e in journey.Events)
        {
            if (e.PaidCampaign < 0)
                continue;
            var day = (int)((e.TimeMs - _windowStart) / 86_400_000L);
            if (day >= 0 && day < _days)
                _landings[e.PaidCampaign, day]++;
        }
    }

    public long Write(string path, ulong seed)
    {
        var rng = SyntheticRandom.For(seed, 0, salt: 0x5BE0D);
        using var csv = new CsvTableWriter(path, "date,channel,source,medium,campaign,cost,currency,impressions,clicks");
        for (var day = 0; day < _days; day++)
        {
            var date = DateTime.UnixEpoch.AddMilliseconds(_windowStart).AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            for (var c = 0; c < SiteCatalog.PaidCampaigns.Length; c++)
            {
                var campaign = SiteCatalog.PaidCampaigns[c];
                var landings = _landings[c, day];
                // Some ad clicks never show up as a tracked landing (blockers, bounces before the tag fires).
                var clicks = landings + (long)Math.Round(landings * (0.05 + (0.2 * rng.NextDouble())));
                var ctr = campaign.ClickThroughRate * (0.8 + (0.4 * rng.NextDouble()));
                var impressions = clicks > 0 ? (long)Math.Round(clicks / ctr) : 50 + rng.Next(400);
                var cost = clicks > 0
                    ? clicks * campaign.CostPerClick * (0.85 + (0.3 * rng.NextDouble()))
                    : impressions * 0.004 * campaign.CostPerClick;
                csv.Field(date).Field(campaign.Channel).Field(campaign.UtmSource).Field(campaign.UtmMedium).Field(campaign.Name)
                    .Field(Math.Round((decimal)cost, 2)).Field("USD").Field(impressions).Field(clicks).EndRow();
            }
        }
        return csv.Rows;
    }
}
