using ClosedLoop.Core.Enrichment;

namespace ClosedLoop.Tests.Enrichment;

public sealed class EmailTests
{
    [Theory]
    [InlineData(" Foo@Example.COM ", "foo@example.com")]
    [InlineData("a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie", "o'brien@example.ie")]
    public void Valid_emails_are_trimmed_and_lower_cased(string value, string expected)
    {
        Assert.Equal(expected, EmailAddress.Normalize(value, out var invalid));
        Assert.False(invalid);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("foo@")]
    [InlineData("@example.com")]
    [InlineData("foo@example")]
    [InlineData("foo@@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("foo bar@example.com")]
    [InlineData(".foo@example.com")]
    [InlineData("foo..bar@example.com")]
    [InlineData("foo@-example.com")]
    [InlineData("foo@example..com")]
    [InlineData("foo@1.2.3.4")]
    [InlineData("foo@example.c")]
    public void Invalid_emails_are_flagged(string value)
    {
        Assert.Null(EmailAddress.Normalize(value, out var invalid));
        Assert.True(invalid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("undefined")]
    public void Missing_or_placeholder_emails_are_null_without_a_warning(string? value)
    {
        Assert.Null(EmailAddress.Normalize(value, out var invalid));
        Assert.False(invalid);
    }

    [Fact]
    public void An_invalid_email_is_dropped_with_a_warning_and_the_event_kept()
    {
        var raw = TestEvents.Page();
        raw.Email = "john at example";
        var e = TestEvents.Enrich(raw);
        Assert.Null(e.Email);
        Assert.Equal("email 'john at example' is not an email", e.Warnings);
    }

    [Fact]
    public void Warnings_are_joined_with_semicolons()
    {
        var raw = TestEvents.Page();
        raw.Email = "nope";
        raw.Timestamp = "2026-03-05T00:00:00Z";
        var e = TestEvents.Enrich(raw);
        Assert.Equal(2, e.Warnings!.Split("; ").Length);
        Assert.StartsWith("timestamp '2026-03-05T00:00:00Z' is more than 23 h", e.Warnings, StringComparison.Ordinal);
        Assert.EndsWith("email 'nope' is not an email", e.Warnings, StringComparison.Ordinal);
    }
}
