using System.Diagnostics;
using DuckDB.NET.Data;

namespace ClosedLoop.Benchmarks;

/// <summary>
/// The peer a user would otherwise pick for bulk loading: DuckDB reading the same NDJSON file and writing
/// day-partitioned Parquet, with the UTM fields pulled out of the URL by regular expressions.
/// It does less than ClosedLoop (no channel grouping, referrer classification, de-duplication or rejects),
/// so the comparison flatters the peer.
/// </summary>
public static class DuckDbPeerLoader
{
    public static int Run(string file, string output)
    {
        var clock = Stopwatch.StartNew();
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $$"""
            COPY (
              WITH raw AS (
                SELECT
                  coalesce(event_id, messageId) AS event_id,
                  try_cast(coalesce("timestamp", originalTimestamp) AS TIMESTAMPTZ) AS ts,
                  coalesce(anonymous_id, anonymousId) AS anonymous_id,
                  coalesce(user_id, userId) AS user_id,
                  lower(trim(coalesce(email, traits->>'$.email', context->>'$.traits.email'))) AS email,
                  coalesce("type", 'page') AS "type",
                  "event",
                  coalesce(url, context->>'$.page.url', properties->>'$.url') AS url,
                  coalesce(referrer, context->>'$.page.referrer', properties->>'$.referrer') AS referrer,
                  coalesce(user_agent, context->>'$.userAgent') AS user_agent,
                  coalesce(ip, context->>'$.ip') AS ip,
                  properties
                FROM read_json('{{Escape(file)}}', format = 'newline_delimited', ignore_errors = true,
                  columns = {event_id: 'VARCHAR', messageId: 'VARCHAR', "timestamp": 'VARCHAR', originalTimestamp: 'VARCHAR',
                             anonymous_id: 'VARCHAR', anonymousId: 'VARCHAR', user_id: 'VARCHAR', userId: 'VARCHAR',
                             email: 'VARCHAR', "type": 'VARCHAR', "event": 'VARCHAR', url: 'VARCHAR', referrer: 'VARCHAR',
                             user_agent: 'VARCHAR', ip: 'VARCHAR', traits: 'JSON', context: 'JSON', properties: 'JSON'})
              )
              SELECT *,
                url_decode(regexp_extract(url, '[?&#]utm_source=([^&#]*)', 1)) AS utm_source,
                url_decode(regexp_extract(url, '[?&#]utm_medium=([^&#]*)', 1)) AS utm_medium,
                url_decode(regexp_extract(url, '[?&#]utm_campaign=([^&#]*)', 1)) AS utm_campaign,
                url_decode(regexp_extract(url, '[?&#]utm_term=([^&#]*)', 1)) AS utm_term,
                url_decode(regexp_extract(url, '[?&#]utm_content=([^&#]*)', 1)) AS utm_content,
                regexp_extract(url, '[?&#]gclid=([^&#]*)', 1) AS gclid,
                regexp_extract(referrer, '^[a-zA-Z]+://([^/:?#]+)', 1) AS referrer_host,
                CAST(ts AS DATE) AS event_date
              FROM raw
              WHERE ts IS NOT NULL AND coalesce(anonymous_id, user_id, email) IS NOT NULL
            ) TO '{{Escape(output)}}' (FORMAT parquet, PARTITION_BY (event_date), OVERWRITE_OR_IGNORE, COMPRESSION zstd)
            """;
        var rows = command.ExecuteNonQuery();
        Console.WriteLine($"duckdb: wrote {rows} rows in {clock.Elapsed.TotalSeconds:F1}s");
        return 0;
    }

    private static string Escape(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
