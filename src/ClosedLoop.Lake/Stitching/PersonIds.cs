using System.Security.Cryptography;
using System.Text;

namespace ClosedLoop.Lake.Stitching;

/// <summary>
/// A person's id: <c>p-</c> and the first 16 hex digits of the MD5 of its canonical identity node. The same
/// formula runs in .NET (for merged persons) and in DuckDB SQL (for cookies that never identified), so a person
/// keeps its id across runs as long as its canonical node stays the same. MD5 is an id here, not a secret.
/// </summary>
public static class PersonIds
{
    public static string Of(string canonicalNode)
    {
#pragma warning disable CA5351 // Not used for security: DuckDB has md5() built in, so both sides can compute it.
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(canonicalNode));
#pragma warning restore CA5351
        return "p-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>The same id as a DuckDB SQL expression over a node expression.</summary>
    public static string Sql(string nodeExpression) => $"'p-' || substr(md5({nodeExpression}), 1, 16)";
}
