using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ClosedLoop.Service;

/// <summary>
/// Segment-style source authentication: the write key is the HTTP Basic user name and the password is empty
/// (any password is ignored, as Segment does). Keys are compared in constant time.
/// </summary>
public sealed class WriteKeyAuthentication
{
    private readonly byte[][] _keys;

    public WriteKeyAuthentication(IEnumerable<string> writeKeys) =>
        _keys = [.. writeKeys.Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes)];

    public bool HasKeys => _keys.Length > 0;

    /// <summary>True when the request carries one of the write keys.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
            return false;
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(header.Parameter);
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = Array.IndexOf(decoded, (byte)':');
        var user = colon < 0 ? decoded : decoded[..colon];
        var authorized = false;
        foreach (var key in _keys)
            authorized |= CryptographicOperations.FixedTimeEquals(user, key);
        return authorized;
    }

    /// <summary>An endpoint filter answering 401 (with the Basic challenge) before the body is read.</summary>
    public async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsAuthorized(context.HttpContext.Request))
            return await next(context).ConfigureAwait(false);
        context.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"closedloop\"";
        return Results.Json(new ErrorAnswer("missing or unknown write key: send it as the HTTP Basic user name with an empty password"), statusCode: StatusCodes.Status401Unauthorized);
    }
}
