namespace ClosedLoop.Lake.Crm;

/// <summary>CRM deals (HubSpot deals, Salesforce opportunities) with a won/lost/open status.</summary>
internal sealed class DealsTable : CrmTable
{
    private const int DealId = 0, ContactId = 1, Email = 2, DealName = 3, CreatedAt = 4, ClosedAt = 5,
        Stage = 6, Won = 7, Closed = 8, Amount = 9, Currency = 10;

    public override string Kind => "deals";
    public override string Directory(LakeLayout lake) => lake.Deals;
    public override IReadOnlyList<string> Key => ["deal_id"];
    public override bool KeepsProperties => true;

    public override IReadOnlyList<LakeColumn> Columns { get; } =
    [
        new("deal_id", LakeColumnType.String),
        new("contact_id", LakeColumnType.String),
        new("email", LakeColumnType.String),
        new("deal_name", LakeColumnType.String),
        new("created_at", LakeColumnType.Timestamp),
        new("closed_at", LakeColumnType.Timestamp),
        new("status", LakeColumnType.String),
        new("stage", LakeColumnType.String),
        new("amount", LakeColumnType.Decimal),
        new("currency", LakeColumnType.String),
    ];

    internal override IReadOnlyList<CrmField> Fields { get; } =
    [
        new("deal_id", "Deal ID", "Record ID", "Opportunity ID", "Id", "hs_object_id"),
        new("contact_id", "Associated Contact IDs", "Associated Contact ID", "Associated Contact", "Contact ID", "Lead ID"),
        new("email", "Associated Email", "Associated Contact Email", "Contact Email", "Email"),
        new("deal_name", "Deal Name", "Opportunity Name", "Name"),
        new("created_at", "Create Date", "Created Date", "createdate"),
        new("closed_at", "Close Date", "Closed Date", "closedate", "closed_date"),
        new("status", "Deal Stage", "Stage", "dealstage", "Stage Name"),
        new("won", "Is Won", "IsWon", "Closed Won"),
        new("closed", "Is Closed", "IsClosed"),
        new("amount", "Amount", "Deal Amount", "Amount (USD)", "Revenue"),
        new("currency", "Currency", "Deal Currency Code", "Opportunity Currency", "Currency Code", "CurrencyIsoCode"),
    ];

    internal override IReadOnlyList<string[]> RequiredFields { get; } = [["deal_id"]];

    internal override string? Map(CrmInputRow row, object?[] output)
    {
        var id = row.Get(DealId);
        if (id is null)
            return "deal_id is empty";
        output[0] = id;
        output[1] = FirstOfList(row.Get(ContactId));
        output[2] = CrmValues.NormalizeEmail(FirstOfList(row.Get(Email)));
        output[3] = row.Get(DealName);
        if (row.Timestamp(CreatedAt, "created_at", out var created) is { } e1)
            return e1;
        if (row.Timestamp(ClosedAt, "closed_at", out var closed) is { } e2)
            return e2;
        if (row.Money(Amount, "amount", out var amount) is { } e3)
            return e3;
        output[4] = created;
        output[5] = closed;
        var stage = row.Get(Stage);
        output[6] = Status(stage, row.Get(Won), row.Get(Closed));
        output[7] = stage;
        output[8] = amount;
        output[9] = row.Get(Currency)?.ToUpperInvariant();
        return null;
    }

    /// <summary>
    /// won/lost from the stage name (HubSpot <c>closedwon</c>/<c>closedlost</c>, Salesforce
    /// <c>Closed Won</c>/<c>Closed Lost</c>), else from Salesforce's Won/Closed flags, else open.
    /// </summary>
    internal static string Status(string? stage, string? won, string? closed)
    {
        var s = stage is null ? "" : NormalizeHeader(stage);
        if (s is "won" or "closedwon" or "win")
            return "won";
        if (s is "lost" or "closedlost" or "closedlose" or "lose")
            return "lost";
        if (s is "open")
            return "open";
        if (CrmInputRow.IsTrue(won))
            return "won";
        if (CrmInputRow.IsTrue(closed))
            return "lost";
        return "open";
    }

    // HubSpot puts every associated contact into one cell ("101;102"); the first is the primary one.
    private static string? FirstOfList(string? value)
    {
        if (value is null)
            return null;
        var end = value.IndexOfAny([';', ',']);
        var first = (end < 0 ? value : value[..end]).Trim();
        return first.Length == 0 ? null : first;
    }
}
