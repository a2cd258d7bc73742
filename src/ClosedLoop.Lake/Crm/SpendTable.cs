namespace ClosedLoop.Lake.Crm;

/// <summary>Ad spend per day and campaign, as exported by ad platforms or a spreadsheet.</summary>
internal sealed class SpendTable : CrmTable
{
    private const int Date = 0, Channel = 1, Source = 2, Medium = 3, Campaign = 4, Cost = 5, Currency = 6, Impressions = 7, Clicks = 8;

    public override string Kind => "spend";
    public override string Directory(LakeLayout lake) => lake.Spend;
    public override IReadOnlyList<string> Key => ["date", "channel", "source", "medium", "campaign"];
    public override bool KeepsProperties => false;

    public override IReadOnlyList<LakeColumn> Columns { get; } =
    [
        new("date", LakeColumnType.Date),
        new("channel", LakeColumnType.String),
        new("source", LakeColumnType.String),
        new("medium", LakeColumnType.String),
        new("campaign", LakeColumnType.String),
        new("cost", LakeColumnType.Decimal),
        new("currency", LakeColumnType.String),
        new("impressions", LakeColumnType.Long),
        new("clicks", LakeColumnType.Long),
    ];

    internal override IReadOnlyList<CrmField> Fields { get; } =
    [
        new("date", "Day", "Reporting Starts", "Segments Date"),
        new("channel", "Channel Group", "Default Channel Group"),
        new("source", "utm_source", "Platform"),
        new("medium", "utm_medium"),
        new("campaign", "utm_campaign", "Campaign Name"),
        new("cost", "Spend", "Amount Spent", "Cost (USD)", "Amount"),
        new("currency", "Currency Code", "Account Currency"),
        new("impressions", "Impr", "Impr."),
        new("clicks", "Link Clicks"),
    ];

    internal override IReadOnlyList<string[]> RequiredFields { get; } = [["date"], ["cost"], ["channel", "source"]];

    internal override string? Map(CrmInputRow row, object?[] output)
    {
        if (row.Get(Date) is null)
            return "date is empty";
        if (row.Get(Cost) is null)
            return "cost is empty";
        if (row.Get(Channel) is null && row.Get(Source) is null)
            return "channel and source are both empty: spend needs at least one";
        if (row.Date(Date, "date", out var date) is { } e1)
            return e1;
        if (row.Money(Cost, "cost", out var cost) is { } e2)
            return e2;
        if (row.Count(Impressions, "impressions", out var impressions) is { } e3)
            return e3;
        if (row.Count(Clicks, "clicks", out var clicks) is { } e4)
            return e4;
        output[0] = date;
        output[1] = row.Get(Channel);
        // Sources and mediums match events case-insensitively; stored lower-case like utm values usually are.
        output[2] = row.Get(Source)?.ToLowerInvariant();
        output[3] = row.Get(Medium)?.ToLowerInvariant();
        output[4] = row.Get(Campaign);
        output[5] = cost;
        output[6] = row.Get(Currency)?.ToUpperInvariant();
        output[7] = impressions;
        output[8] = clicks;
        return null;
    }
}
