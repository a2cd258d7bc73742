namespace ClosedLoop.Service;

/// <summary>The first-party tracker served at <c>GET /t.js</c> (an embedded resource, <c>Tracker/t.js</c>).</summary>
internal static class Tracker
{
    public static readonly byte[] Script = Load();

    private static byte[] Load()
    {
        using var stream = typeof(Tracker).Assembly.GetManifestResourceStream("ClosedLoop.Service.t.js")
            ?? throw new InvalidOperationException("the tracker script is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
