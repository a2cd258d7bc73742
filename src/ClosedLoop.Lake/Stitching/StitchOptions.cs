namespace ClosedLoop.Lake.Stitching;

/// <summary>Settings for <see cref="IdentityStitcher"/>; the defaults follow SPEC section 4 and GA4.</summary>
public sealed class StitchOptions
{
    /// <summary>A session ends after this much inactivity.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A cookie seen with more emails than this is not used for linking at all (a kiosk, a demo laptop).</summary>
    public int MaxEmailsPerCookie { get; init; } = 5;

    /// <summary>Start a new session at midnight in <see cref="TimeZone"/> (GA4's habit); off by default.</summary>
    public bool SplitAtMidnight { get; init; }

    /// <summary>IANA time zone for the midnight split, e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>DuckDB's memory limit for the run; it spills to the lake's staging area beyond it.</summary>
    public string MemoryLimit { get; init; } = "3GB";

    public void Validate()
    {
        if (SessionTimeout <= TimeSpan.Zero)
            throw new Core.UserInputException($"session timeout must be positive (got {SessionTimeout})");
        if (MaxEmailsPerCookie < 1)
            throw new Core.UserInputException($"max emails per cookie must be at least 1 (got {MaxEmailsPerCookie})");
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new Core.UserInputException($"unknown time zone '{TimeZone}' (use an IANA name such as Europe/Berlin)", ex);
        }
    }
}
