using Parquet.Schema;

namespace ClosedLoop.Lake;

/// <summary>
/// How every timestamp column in the lake is written: UTC, INT64 milliseconds (TIMESTAMP_MILLIS).
/// Not microseconds: Parquet.Net 6.1 writes the min/max statistics of a microsecond column in milliseconds,
/// and DuckDB trusts those statistics to fold comparisons, so <c>timestamp &gt;= X</c> silently matched nothing.
/// Trackers send millisecond precision anyway; ordering ties fall back to <c>event_id</c>.
/// </summary>
internal static class LakeTimestamp
{
    public static DateTimeDataField Field(string name, bool nullable = false) =>
        new(name, DateTimeFormat.DateAndTime, isAdjustedToUTC: true, isNullable: nullable);
}
