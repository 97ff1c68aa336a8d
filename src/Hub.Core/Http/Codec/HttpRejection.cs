namespace Hub.Http.Codec;

/// <summary>Why a request was refused before it reached a handler. Errors are values until the edge.</summary>
internal enum RejectionReason : byte
{
    MalformedRequestLine,
    InvalidMethod,
    RequestLineTooLong,
    HeadersTooLarge,
    TooManyHeaders,
    MalformedHeader,
    MissingHost,
    InvalidHost,
    DuplicateHost,
    InvalidContentLength,
    ConflictingFraming,
    UnsupportedTransferCoding,
    InvalidTransferEncoding,
    InvalidChunk,
    BodyTooLarge,
    UnsupportedVersion,
    UnsupportedExpectation,
    RequestHeadersTimeout,
    IncompleteRequest,
}

/// <summary>The one table from rejection reason to status (like Kestrel's KestrelBadHttpRequestException).</summary>
internal static class HttpRejection
{
    public static int StatusOf(RejectionReason reason) => reason switch
    {
        RejectionReason.RequestLineTooLong => 414,
        RejectionReason.HeadersTooLarge or RejectionReason.TooManyHeaders => 431,
        RejectionReason.BodyTooLarge => 413,
        RejectionReason.UnsupportedVersion => 505,
        RejectionReason.UnsupportedTransferCoding => 501,
        RejectionReason.UnsupportedExpectation => 417,
        RejectionReason.RequestHeadersTimeout => 408,
        _ => 400,
    };

    /// <summary>Short, fixed text for the response body: never echoes input, never a stack trace.</summary>
    public static string MessageOf(RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedRequestLine => "Malformed request line",
        RejectionReason.InvalidMethod => "Invalid method",
        RejectionReason.RequestLineTooLong => "Request line too long",
        RejectionReason.HeadersTooLarge => "Request headers too large",
        RejectionReason.TooManyHeaders => "Too many request headers",
        RejectionReason.MalformedHeader => "Malformed header field",
        RejectionReason.MissingHost => "Missing Host header",
        RejectionReason.InvalidHost => "Invalid Host header",
        RejectionReason.DuplicateHost => "Duplicate Host header",
        RejectionReason.InvalidContentLength => "Invalid Content-Length",
        RejectionReason.ConflictingFraming => "Both Content-Length and Transfer-Encoding",
        RejectionReason.UnsupportedTransferCoding => "Unsupported Transfer-Encoding",
        RejectionReason.InvalidTransferEncoding => "Invalid Transfer-Encoding",
        RejectionReason.InvalidChunk => "Invalid chunked body",
        RejectionReason.BodyTooLarge => "Request body too large",
        RejectionReason.UnsupportedVersion => "HTTP version not supported",
        RejectionReason.UnsupportedExpectation => "Unsupported expectation",
        RejectionReason.RequestHeadersTimeout => "Request headers timeout",
        RejectionReason.IncompleteRequest => "Incomplete request",
        _ => "Bad request",
    };
}
