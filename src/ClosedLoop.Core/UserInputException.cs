namespace ClosedLoop.Core;

/// <summary>
/// A problem the user can fix (a missing file, a bad flag value, an unreadable header).
/// The CLI prints its message without a stack trace and exits with 1.
/// </summary>
public sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
