using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData("undefined")]
    [InlineData(" None ")]
    [InlineData("nil")]
    [InlineData("NaN")]
    [InlineData("anonymous")]
    [InlineData("unknown")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("[object Object]")]
    [InlineData("n/a")]
    [InlineData("Guest")]
    [InlineData("test")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("{{user_id}}")]
    public void Junk_values_become_null(string? value)
    {
        Assert.Null(Identifiers.Clean(value));
    }

    [Theory]
    [InlineData("u-42", "u-42")]
    [InlineData("  u-42\t", "u-42")]
    [InlineData("10", "10")]
    [InlineData("nullable-user", "nullable-user")]
    [InlineData("Test-User-7", "Test-User-7")]
    public void Real_values_are_trimmed_and_kept(string value, string expected)
    {
        Assert.Equal(expected, Identifiers.Clean(value));
    }

    [Fact]
    public void Ids_are_cleaned_on_the_event()
    {
        var raw = TestEvents.Page();
        raw.AnonymousId = " a-1 ";
        raw.UserId = "undefined";
        raw.PreviousId = "null";
        var e = TestEvents.Enrich(raw);
        Assert.Equal("a-1", e.AnonymousId);
        Assert.Null(e.UserId);
        Assert.Null(e.PreviousId);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("null", "0", "")]
    [InlineData("[object Object]", "anonymous", "not-an-email")]
    public void No_usable_identifier_is_a_reject(string? anonymousId, string? userId, string? email)
    {
        var raw = TestEvents.Page();
        raw.AnonymousId = anonymousId;
        raw.UserId = userId;
        raw.Email = email;
        Assert.Equal("no usable identifier: needs anonymous_id, user_id or email", TestEvents.Reject(raw));
    }

    [Theory]
    [InlineData("a-1", null, null)]
    [InlineData(null, "u-1", null)]
    [InlineData(null, null, "x@example.com")]
    public void Any_one_identifier_is_enough(string? anonymousId, string? userId, string? email)
    {
        var raw = TestEvents.Page();
        raw.AnonymousId = anonymousId;
        raw.UserId = userId;
        raw.Email = email;
        Assert.NotNull(new EventEnricher().Enrich(raw, TestEvents.LoadTime).Event);
    }
}
