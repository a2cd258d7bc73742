namespace ClosedLoop.Lake.Crm;

/// <summary>CRM contacts with their lifecycle stage dates (HubSpot, Salesforce or plain column names).</summary>
internal sealed class ContactsTable : CrmTable
{
    private const int ContactId = 0, Email = 1, CreatedAt = 2;
    private static readonly string[] s_stageNames = ["lead_at", "mql_at", "sql_at", "opportunity_at", "customer_at"];

    public override string Kind => "contacts";
    public override string Directory(LakeLayout lake) => lake.Contacts;
    public override IReadOnlyList<string> Key => ["contact_id"];
    public override bool KeepsProperties => true;

    public override IReadOnlyList<LakeColumn> Columns { get; } =
    [
        new("contact_id", LakeColumnType.String),
        new("email", LakeColumnType.String),
        new("created_at", LakeColumnType.Timestamp),
        new("lead_at", LakeColumnType.Timestamp),
        new("mql_at", LakeColumnType.Timestamp),
        new("sql_at", LakeColumnType.Timestamp),
        new("opportunity_at", LakeColumnType.Timestamp),
        new("customer_at", LakeColumnType.Timestamp),
    ];

    internal override IReadOnlyList<CrmField> Fields { get; } =
    [
        new("contact_id", "Record ID", "Contact ID", "Lead ID", "Id", "vid", "hs_object_id", "Contact Record ID"),
        new("email", "Email", "Email Address", "E-mail", "Contact Email"),
        new("created_at", "Create Date", "Created Date", "Created On", "createdate", "Created"),
        new("lead_at", "Became a Lead Date", "hs_lifecyclestage_lead_date", "Lead Date"),
        new("mql_at", "Became a Marketing Qualified Lead Date", "hs_lifecyclestage_marketingqualifiedlead_date", "MQL Date"),
        new("sql_at", "Became a Sales Qualified Lead Date", "hs_lifecyclestage_salesqualifiedlead_date", "SQL Date"),
        new("opportunity_at", "Became an Opportunity Date", "hs_lifecyclestage_opportunity_date", "Opportunity Date"),
        new("customer_at", "Became a Customer Date", "hs_lifecyclestage_customer_date", "Customer Date"),
    ];

    internal override IReadOnlyList<string[]> RequiredFields { get; } = [["contact_id", "email"]];

    internal override string? Map(CrmInputRow row, object?[] output)
    {
        var id = row.Get(ContactId);
        var rawEmail = row.Get(Email);
        var email = CrmValues.NormalizeEmail(rawEmail);
        if (id is null && email is null)
        {
            return rawEmail is null
                ? "no contact_id and no email: a contact needs at least one"
                : $"no contact_id, and email '{rawEmail}' is not a valid email";
        }
        output[0] = id;
        output[1] = email;
        if (row.Timestamp(CreatedAt, "created_at", out var created) is { } error)
            return error;
        output[2] = created;
        for (var i = 0; i < s_stageNames.Length; i++)
        {
            if (row.Timestamp(CreatedAt + 1 + i, s_stageNames[i], out var stage) is { } stageError)
                return stageError;
            output[3 + i] = stage;
        }
        return null;
    }
}
