namespace Hub;

/// <summary>
/// Throw from a handler to answer with <see cref="Status"/> (Tornado's HTTPError). The message goes to the log,
/// never to the client; <see cref="Reason"/> replaces the standard reason phrase when given.
/// <code>throw new HttpError(404, "no user {0}", id);</code>
/// </summary>
public class HttpError : Exception
{
    public HttpError(int status, string? logMessage = null, params object?[] args)
        : base(logMessage is null ? $"HTTP {status}" : args.Length == 0 ? logMessage : string.Format(logMessage, args))
    {
        if (status is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(status), status, "HttpError status must be 4xx or 5xx");
        Status = status;
    }

    public int Status { get; }

    /// <summary>A custom reason phrase for the status line, or null for the standard one.</summary>
    public string? Reason { get; init; }
}
