using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClosedLoop.Service.Dashboard;

/// <summary>
/// The dashboard's static files (<c>Dashboard/assets/</c>), embedded in this assembly so that <c>closedloop serve</c>
/// is one deployable with nothing to fetch from a CDN. <c>GET /</c> is the page, <c>GET /dashboard/{file}</c> the rest.
/// They need no token: the page holds no data and asks the read API (which does) for everything.
/// </summary>
internal static class DashboardAssets
{
    private const string Prefix = "ClosedLoop.Service.Dashboard.";

    private static readonly FrozenDictionary<string, string> s_types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".md"] = "text/markdown; charset=utf-8",
    }.ToFrozenDictionary();

    /// <summary>Every embedded asset by file name, read once.</summary>
    public static readonly FrozenDictionary<string, byte[]> Files = Load();

    /// <summary>An asset as text (for inlining into <c>closedloop report html</c>).</summary>
    public static string Text(string name) => System.Text.Encoding.UTF8.GetString(Files[name]);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Asset("index.html"));
        app.MapGet("/dashboard/{file}", (string file) => Files.ContainsKey(file) ? Asset(file) : Results.NotFound());
    }

    private static IResult Asset(string name) =>
        Results.Bytes(Files[name], s_types.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream"));

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource[Prefix.Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
