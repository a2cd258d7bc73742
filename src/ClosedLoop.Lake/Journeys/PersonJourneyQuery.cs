using System.Globalization;
using ClosedLoop.Core;
using ClosedLoop.Lake.Crm;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;

namespace ClosedLoop.Lake.Journeys;

/// <summary>
/// One person's timeline from the derived tables: identifiers, sessions, touchpoints, conversions and credits,
/// each in time order. Shared by <c>closedloop journey</c> and the HTTP API.
/// </summary>
public static class PersonJourneyQuery
{
    /// <summary>The sections of a journey, in print order, each a SQL query with <c>$person</c> for the person id.</summary>
    public static readonly IReadOnlyList<(string Name, string Sql)> Sections =
    [
        ("identities", """
            SELECT identifier_type, identifier, segment, valid_from, valid_to, first_seen_at, last_seen_at, linked
            FROM identities WHERE person_id = $person ORDER BY first_seen_at NULLS LAST, identifier_type, identifier, segment
            """),
        ("sessions", """
            SELECT session_id, anonymous_id, started_at, ended_at, event_count, channel, source, medium, campaign, landing_page, referrer_host
            FROM sessions WHERE person_id = $person ORDER BY started_at, session_id
            """),
        ("touchpoints", """
            SELECT touchpoint_id, "timestamp", channel, source, medium, campaign, content, term, landing_page, referrer_host, click_id
            FROM touchpoints WHERE person_id = $person ORDER BY "timestamp", event_id
            """),
        ("conversions", """
            SELECT conversion_id, conversion_type, "timestamp", revenue, currency, deal_id
            FROM conversions WHERE person_id = $person ORDER BY "timestamp", conversion_id
            """),
        ("credits", """
            SELECT model, conversion_type, converted_at, touch_timestamp, dimension, dimension_value, credit, revenue
            FROM credits WHERE person_id = $person ORDER BY converted_at, model, dimension, touch_timestamp
            """),
    ];

    /// <summary>
    /// The person id of an email, normalised as at load. Throws a <see cref="UserInputException"/> that says what
    /// to do when the email is invalid, unknown, or loaded but not yet stitched.
    /// </summary>
    public static string FindPerson(LakeDatabase db, string email)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normalized = CrmValues.NormalizeEmail(email)
            ?? throw new UserInputException($"'{email}' is not a valid email address");
        var literal = LakeDatabase.Literal(normalized);
        if (db.ExecuteScalar($"SELECT person_id FROM identities WHERE identifier_type = 'email' AND identifier = {literal} LIMIT 1") is string person)
            return person;
        var loaded = Convert.ToInt64(db.ExecuteScalar(
            $"SELECT (SELECT count(*) FROM events WHERE email = {literal}) + (SELECT count(*) FROM contacts WHERE email = {literal})"),
            CultureInfo.InvariantCulture);
        throw new UserInputException(loaded > 0
            ? $"{normalized} is loaded but not stitched yet: run 'closedloop stitch' first"
            : $"no events or contacts with email {normalized} in {db.Lake.Root}");
    }

    /// <summary>A section's SQL for one person.</summary>
    public static string For(string sectionSql, string personId) =>
        sectionSql.Replace("$person", LakeDatabase.Literal(personId), StringComparison.Ordinal);

    /// <summary>
    /// The journey as one JSON object: <c>person_id</c> and an array per section (rows as <c>closedloop sql --format
    /// json</c> writes them). The output of <c>closedloop journey --format json</c> and of <c>GET /v1/journey</c>.
    /// </summary>
    public static async Task WriteJsonAsync(LakeDatabase db, string personId, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(output);
        await WriteTextAsync(output, $"{{\"person_id\":\"{personId}\"", ct).ConfigureAwait(false);
        foreach (var (name, sql) in Sections)
        {
            await WriteTextAsync(output, $",\"{name}\":", ct).ConfigureAwait(false);
            using var reader = db.ExecuteReader(For(sql, personId));
            await QueryResultWriter.WriteAsync(reader, QueryOutputFormat.Json, output, ct).ConfigureAwait(false);
        }
        await WriteTextAsync(output, "}\n", ct).ConfigureAwait(false);
    }

    private static async Task WriteTextAsync(Stream output, string text, CancellationToken ct) =>
        await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
}
