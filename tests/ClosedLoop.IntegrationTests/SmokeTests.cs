namespace ClosedLoop.IntegrationTests;

public sealed class SmokeTests
{
    [Fact]
    public void Placeholder() => Assert.True(Directory.Exists(AppContext.BaseDirectory));
}
