namespace ClosedLoop.Tests.Enrichment;

public sealed class UrlParsingTests
{
    [Theory]
    [InlineData("https://www.Example.com/Pricing?utm_source=x#top", "example.com", "/Pricing")]
    [InlineData("https://example.com", "example.com", "/")]
    [InlineData("https://example.com?x=1", "example.com", "/")]
    [InlineData("http://user:pw@shop.example.com:8080/cart/", "shop.example.com", "/cart/")]
    [InlineData("HTTPS://EXAMPLE.COM./a", "example.com", "/a")]
    [InlineData("//cdn.example.com/x", "cdn.example.com", "/x")]
    [InlineData("example.com/landing?utm_source=x", "example.com", "/landing")]
    [InlineData("https://www.com/", "www.com", "/")]
    [InlineData("https://[::1]:8080/p", "[::1]", "/p")]
    [InlineData("https://x.com/%zz?utm_source=%", "x.com", "/%zz")]
    public void Page_host_and_path(string url, string host, string path)
    {
        var e = TestEvents.Enrich(TestEvents.Page(url));
        Assert.Equal(host, e.PageHost);
        Assert.Equal(path, e.PagePath);
        Assert.Equal(url, e.Url);
    }

    [Theory]
    [InlineData("/pricing?utm_source=x", null, "/pricing")]
    [InlineData("http://", null, null)]
    [InlineData("https:///path", null, null)]
    [InlineData("not a url", null, null)]
    [InlineData("", null, null)]
    [InlineData("javascript:void(0)", null, null)]
    [InlineData("https://exa mple.com/p", null, null)]
    [InlineData("https://%41.com/", null, null)]
    [InlineData("?#?&=", null, null)]
    public void Malformed_urls_never_throw(string url, string? host, string? path)
    {
        var e = TestEvents.Enrich(TestEvents.Page(url));
        Assert.Equal(host, e.PageHost);
        Assert.Equal(path, e.PagePath);
    }

    [Fact]
    public void The_query_of_a_url_with_a_broken_host_is_still_read()
    {
        var e = TestEvents.Enrich(TestEvents.Page("https://exa mple.com/p?utm_source=x&utm_medium=cpc"));
        Assert.Null(e.PageHost);
        Assert.Equal(("x", "cpc"), (e.Source, e.Medium));
    }
}
