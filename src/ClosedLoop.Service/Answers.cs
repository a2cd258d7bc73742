namespace ClosedLoop.Service;

/// <summary>The body of every error answer: <c>{"error": "..."}</c>.</summary>
public sealed record ErrorAnswer(string Error);

/// <summary>One event of a request that was not accepted: its 0-based position in the request and why.</summary>
public sealed record RejectedEvent(int Index, string Reason);

/// <summary>The answer to an accepted event request: how many events are durable, and which were rejected.</summary>
public sealed record IngestAnswer(int Accepted, IReadOnlyList<RejectedEvent> Rejected);

/// <summary>The answer to a CRM request.</summary>
public sealed record CrmAnswer(long Read, long Loaded, long Rejected);
