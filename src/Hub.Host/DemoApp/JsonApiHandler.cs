using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Host.DemoApp;

/// <summary>
/// Base of the /items handlers: every error is a JSON object <c>{"error": "..."}</c> (405, 500 and the rest
/// included), and request bodies must be one JSON object.
/// </summary>
public abstract class JsonApiHandler : RequestHandler
{
    /// <summary>How long a handler waits for the store before answering 500.</summary>
    protected static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    public override void WriteError(int status, Exception? exception = null) =>
        WriteJson(new ErrorBody(Reason));

    /// <summary>Answers <paramref name="status"/> with <c>{"error": message}</c>.</summary>
    protected void Reject(int status, string message)
    {
        SetStatus(status);
        WriteJson(new ErrorBody(message));
    }

    /// <summary>
    /// The body as compact JSON text when it is a single JSON object; otherwise answers 400 and returns null.
    /// Duplicate member names are refused: RFC 8259 §4 leaves their meaning to the parser, so the item would be
    /// ambiguous.
    /// </summary>
    protected string? ReadObjectBody()
    {
        // RFC 8259 §8.1: JSON text is UTF-8. System.Text.Json checks string contents only when it decodes them.
        if (!System.Text.Unicode.Utf8.IsValid(Request.Body.Span))
        {
            Reject(400, "request body is not valid JSON: it is not UTF-8");
            return null;
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(Request.Body.Span, documentOptions: StrictJson);
        }
        catch (JsonException e)
        {
            Reject(400, "request body is not valid JSON: " + e.Message);
            return null;
        }
        if (node is not JsonObject obj)
        {
            Reject(400, "request body must be a JSON object");
            return null;
        }
        return obj.ToJsonString();
    }

    /// <summary>Writes JSON text that is already serialised.</summary>
    protected void WriteJsonText(string json)
    {
        SetHeader("Content-Type", "application/json; charset=UTF-8");
        Write(json);
    }

    private sealed record ErrorBody([property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error);
}
