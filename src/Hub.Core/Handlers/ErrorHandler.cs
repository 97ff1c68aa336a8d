namespace Hub.Handlers;

/// <summary>
/// Answers requests that never reached an application handler — no route (404), malformed input (4xx/5xx) —
/// through the same <see cref="RequestHandler.SendError"/> path, so every error page looks alike.
/// </summary>
internal sealed class ErrorHandler : RequestHandler;
