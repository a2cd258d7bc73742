using ClosedLoop.Core;

namespace ClosedLoop.Tests.Core;

public sealed class ByteSizesTests
{
    [Theory]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData("512MB", 512_000_000)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("768m", 768L << 20)]
    [InlineData("2 gb", 2_000_000_000)]
    [InlineData("4096", 4096)]
    [InlineData("64KiB", 64 << 10)]
    public void Parses_sizes_as_a_duckdb_user_writes_them(string text, long expected) =>
        Assert.Equal(expected, ByteSizes.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1GB")]
    [InlineData("0")]
    [InlineData("1XB")]
    public void Rejects_what_is_not_a_size_with_a_user_error(string text)
    {
        var error = Assert.Throws<UserInputException>(() => ByteSizes.Parse(text));
        Assert.Contains("512MB", error.Message, StringComparison.Ordinal);
    }
}
