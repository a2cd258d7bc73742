using System.Text.Json;

namespace ClosedLoop.ServiceTests;

/// <summary>
/// Checks a chart summary written by the page (<c>{"labels": [...], "datasets": [{"label", "data"}]}</c>, taken from
/// the Chart.js objects) against the read API's rows, the way charts.js maps rows to charts.
/// </summary>
internal static class ChartAssert
{
    private static readonly string[] s_funnelStages = ["visitors", "leads", "mqls", "sqls", "opportunities", "customers"];

    /// <summary>compare: labels from the first column, one dataset per model column.</summary>
    public static void Compare(JsonElement chart, JsonElement rows)
    {
        var list = rows.EnumerateArray().ToList();
        var columns = list[0].EnumerateObject().Select(p => p.Name).ToList();
        Same(chart, list, columns[0], columns.Skip(1));
    }

    /// <summary>funnel: every row but the last (the total), persons per stage.</summary>
    public static void Funnel(JsonElement chart, JsonElement rows)
    {
        var list = rows.EnumerateArray().ToList();
        Assert.Equal("total", list[^1].EnumerateObject().First().Value.GetString());
        Same(chart, list[..^1], list[0].EnumerateObject().First().Name, s_funnelStages);
    }

    /// <summary>roi: labels from the second column (the first is the model), ROAS and ROI.</summary>
    public static void Roi(JsonElement chart, JsonElement rows)
    {
        var list = rows.EnumerateArray().ToList();
        Same(chart, list, list[0].EnumerateObject().ElementAt(1).Name, ["roas", "roi"]);
    }

    /// <summary>
    /// timeline: labels are the periods in row order; a dataset of conversions per conversion type (ordinal order,
    /// 0 where a period has none of the type), then the period's revenue over all types.
    /// </summary>
    public static void Timeline(JsonElement chart, JsonElement rows)
    {
        var list = rows.EnumerateArray().ToList();
        Assert.NotEmpty(list);
        var periods = list.Select(r => r.GetProperty("period").GetString()!).Distinct().ToList();
        var types = list.Select(r => r.GetProperty("conversion_type").GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();
        var expected = types.Select(t => (Label: t, Data: periods.Select(p => list
                .Where(r => r.GetProperty("period").GetString() == p && r.GetProperty("conversion_type").GetString() == t)
                .Sum(r => r.GetProperty("conversions").GetDouble())).ToList()))
            .Append((Label: "revenue", Data: periods.Select(p => list.Where(r => r.GetProperty("period").GetString() == p).Sum(r => r.GetProperty("revenue").GetDouble())).ToList()))
            .ToList();

        Assert.Equal(periods, chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var datasets = chart.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Label), datasets.Select(d => d.GetProperty("label").GetString()));
        for (var s = 0; s < expected.Count; s++)
        {
            var drawn = datasets[s].GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToList();
            Assert.Equal(periods.Count, drawn.Count);
            for (var i = 0; i < periods.Count; i++)
            {
                var (x, y) = (expected[s].Data[i], drawn[i]);
                Assert.True(Math.Abs(x - y) <= 1e-6 * Math.Max(1, Math.Abs(x)), $"{expected[s].Label} of {periods[i]}: expected {x}, drawn {y}");
            }
        }
    }

    private static void Same(JsonElement chart, List<JsonElement> rows, string labelColumn, IEnumerable<string> series)
    {
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Select(r => r.GetProperty(labelColumn).GetString()), chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var datasets = chart.GetProperty("datasets").EnumerateArray().ToList();
        var names = series.ToList();
        Assert.Equal(names, datasets.Select(d => d.GetProperty("label").GetString()));
        for (var s = 0; s < names.Count; s++)
        {
            var drawn = datasets[s].GetProperty("data").EnumerateArray().ToList();
            Assert.Equal(rows.Count, drawn.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                var expected = rows[r].GetProperty(names[s]);
                var where = $"{names[s]} of {rows[r].GetProperty(labelColumn)}";
                if (expected.ValueKind == JsonValueKind.Null)
                {
                    Assert.True(drawn[r].ValueKind == JsonValueKind.Null, $"{where}: expected no value, drawn {drawn[r]}");
                    continue;
                }
                Assert.True(drawn[r].ValueKind == JsonValueKind.Number, $"{where}: expected {expected}, drawn {drawn[r]}");
                var (x, y) = (expected.GetDouble(), drawn[r].GetDouble());
                Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"{where}: expected {x}, drawn {y}");
            }
        }
    }
}
