using ClosedLoop.Core.Events;

namespace ClosedLoop.Core.Enrichment;

/// <summary>The outcome of enriching one event: the event, or the reason it cannot be used.</summary>
public readonly record struct EnrichOutcome(EnrichedEvent? Event, string? RejectReason)
{
    public static EnrichOutcome Reject(string reason) => new(null, reason);
}

/// <summary>
/// Turns a <see cref="RawEvent"/> into an <see cref="EnrichedEvent"/>: timestamp rules, identifier cleaning,
/// UTM and click-id extraction, referrer classification and the GA4 default channel group.
/// Thread-safe once constructed. The rules and their reasons are in <c>docs/enrichment.md</c>.
/// </summary>
public sealed class EventEnricher
{
    private readonly StringPool _pool = new();
    private readonly ReferrerClassifier _referrers;

    public EventEnricher(EnrichmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _referrers = new ReferrerClassifier(options, _pool);
    }

    /// <summary>An enricher with the default options.</summary>
    public EventEnricher() : this(new EnrichmentOptions())
    {
    }

    public EnrichmentOptions Options { get; }

    /// <summary>Enriches one event. <paramref name="raw"/>.EventId must already be set (derived by the loader when absent).</summary>
    /// <param name="raw">The event as it arrived.</param>
    /// <param name="receivedAtUtc">The load time, used as the receive time when the event carries no <c>receivedAt</c>.</param>
    public EnrichOutcome Enrich(RawEvent raw, DateTime receivedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var warnings = new Warnings();

        var reason = EventTimestamps.TryResolve(raw, receivedAtUtc, Options.FutureTolerance, ref warnings, out var times);
        if (reason is not null)
            return EnrichOutcome.Reject(reason);

        var anonymousId = Identifiers.Clean(raw.AnonymousId);
        var userId = Identifiers.Clean(raw.UserId);
        var email = EmailAddress.Normalize(raw.Email, out var invalidEmail);
        if (invalidEmail)
            warnings.Add($"email '{Warnings.Shorten(raw.Email!)}' is not an email");
        if (anonymousId is null && userId is null && email is null)
            return EnrichOutcome.Reject("no usable identifier: needs anonymous_id, user_id or email");

        var type = EventTypeNames.Normalize(raw.Type);
        if (type is null)
            return EnrichOutcome.Reject($"unknown event type '{Warnings.Shorten(raw.Type!)}': expected page, track, identify, alias or screen");
        if (type == EventTypes.Track && string.IsNullOrWhiteSpace(raw.EventName))
            return EnrichOutcome.Reject("track event has no event name");

        var enriched = new EnrichedEvent
        {
            EventId = raw.EventId!,
            Timestamp = times.Timestamp,
            ReceivedAt = times.ReceivedAt,
            TimestampClamped = times.Clamped,
            Type = type,
            EventName = raw.EventName,
            AnonymousId = anonymousId,
            UserId = userId,
            Email = email,
            PreviousId = Identifiers.Clean(raw.PreviousId),
            Url = raw.Url,
            Referrer = raw.Referrer,
            UserAgent = raw.UserAgent,
            Ip = raw.Ip,
            Revenue = raw.Revenue,
            Currency = raw.Currency,
            PropertiesJson = raw.PropertiesJson,
        };
        ResolveCampaign(raw, enriched);
        enriched.Warnings = warnings.Text;
        return new EnrichOutcome(enriched, null);
    }

    private void ResolveCampaign(RawEvent raw, EnrichedEvent enriched)
    {
        var url = UrlParts.Parse(raw.Url);
        Span<char> hostBuffer = stackalloc char[HostNames.MaxLength];
        var pageHost = HostNames.Normalize(url.Host, hostBuffer);
        if (!pageHost.IsEmpty)
        {
            enriched.PageHost = _pool.Intern(pageHost);
            enriched.PagePath = url.Path.IsEmpty ? "/" : _pool.Intern(url.Path);
        }
        else if (url.Path.StartsWith('/'))
        {
            enriched.PagePath = _pool.Intern(url.Path);
        }

        var campaign = CampaignParameters.FromUrl(url, _pool);
        var source = Explicit(raw.UtmSource) ?? campaign.Source;
        var medium = Explicit(raw.UtmMedium) ?? campaign.Medium;
        enriched.Campaign = Explicit(raw.UtmCampaign) ?? campaign.Campaign;
        enriched.Term = Explicit(raw.UtmTerm) ?? campaign.Term;
        enriched.Content = Explicit(raw.UtmContent) ?? campaign.Content;
        if (campaign.ClickIdIndex >= 0)
        {
            enriched.ClickId = campaign.ClickId;
            enriched.ClickIdType = ClickIds.NameAt(campaign.ClickIdIndex);
        }

        var referrer = _referrers.Classify(raw.Referrer, enriched.PageHost);
        enriched.ReferrerHost = referrer.Host;
        if (source is not null || medium is not null)
        {
            // Tagged links win over the referrer; the missing half is reported the way GA4 does.
            source ??= ReferrerClassifier.NotSet;
            medium ??= ReferrerClassifier.NotSet;
        }
        else if (campaign.ClickIdIndex >= 0)
        {
            (source, medium) = ClickIds.NetworkAt(campaign.ClickIdIndex);
        }
        else
        {
            source = referrer.Source;
            medium = referrer.Medium;
            enriched.ReferralExcluded = referrer.Excluded;
        }
        enriched.Source = source;
        enriched.Medium = medium;

        var channel = Explicit(raw.Channel);
        enriched.Channel = channel is not null
            ? ChannelClassifier.Canonicalize(channel)
            : ChannelClassifier.Classify(source, medium, enriched.Campaign);
    }

    /// <summary>An explicit field from the input: trimmed and pooled, or null when empty.</summary>
    private string? Explicit(string? value)
    {
        if (value is null)
            return null;
        var trimmed = value.AsSpan().Trim();
        if (trimmed.IsEmpty)
            return null;
        return trimmed.Length == value.Length ? _pool.Intern(value) : _pool.Intern(trimmed);
    }
}
