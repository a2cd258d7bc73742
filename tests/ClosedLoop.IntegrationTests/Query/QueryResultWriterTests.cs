using Apache.Arrow.Ipc;
using ClosedLoop.Lake.Query;
using ClosedLoop.Lake.Query.Output;

namespace ClosedLoop.IntegrationTests.Query;

public sealed class QueryResultWriterTests
{
    /// <summary>Like stdout in a pipe: written forward only.</summary>
    private sealed class ForwardOnlyStream : MemoryStream
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task Arrow_goes_to_a_stream_that_cannot_seek()
    {
        using var lake = new TestLake();
        using var db = LakeDatabase.Open(lake.Layout);
        using var reader = db.ExecuteReader("select range as n, 'x' || range as s from range(3)");
        using var output = new ForwardOnlyStream();

        var rows = await QueryResultWriter.WriteAsync(reader, QueryOutputFormat.Arrow, output);

        Assert.Equal(3, rows);
        using var arrow = new ArrowFileReader(new MemoryStream(output.ToArray()));
        var batch = await arrow.ReadNextRecordBatchAsync();
        Assert.Equal(3, batch.Length);
    }

    [Fact]
    public async Task Errors_while_reading_rows_become_sql_errors()
    {
        using var lake = new TestLake();
        using var db = LakeDatabase.Open(lake.Layout);
        var ex = await Assert.ThrowsAsync<ClosedLoop.Core.UserInputException>(async () =>
        {
            using var reader = db.ExecuteReader("select cast('abc' as integer) from range(1)");
            await QueryResultWriter.WriteAsync(reader, QueryOutputFormat.Json, new MemoryStream());
        });
        Assert.StartsWith("SQL error:", ex.Message);
    }
}
