namespace Hub.Host.DemoApp;

/// <summary>
/// GET /proxy → fetches the configured upstream and relays its status, Content-Type and body. No upstream
/// configured → 503; upstream unreachable or its answer unusable → 502; no answer within
/// <see cref="ProxyClient.Timeout"/> → 504 (RFC 9110 §15.6.3 and §15.6.5).
/// </summary>
public sealed class ProxyHandler(DemoOptions options) : RequestHandler
{
    public override async Task GetAsync()
    {
        if (options.ProxyUpstream is not { } upstream) throw new HttpError(503, "no --proxy-upstream configured");
        try
        {
            using var response = await ProxyClient.Shared.GetAsync(upstream, HttpCompletionOption.ResponseContentRead, ConnectionClosed);
            var body = await response.Content.ReadAsByteArrayAsync(ConnectionClosed);
            Relay(upstream, response, body);
        }
        catch (HttpRequestException e)
        {
            throw new HttpError(502, "upstream {0} failed: {1}", upstream, e.Message);
        }
        catch (TaskCanceledException e) when (!ConnectionClosed.IsCancellationRequested)
        {
            throw new HttpError(504, "upstream {0} did not answer in time: {1}", upstream, e.Message);
        }
    }

    private void Relay(Uri upstream, HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        // A status that cannot be relayed as a final response (1xx, out of range) is the upstream's fault.
        if (status is < 200 or > 599) throw new HttpError(502, "upstream {0} answered status {1}", upstream, status);
        SetStatus(status);
        if (response.Content.Headers.ContentType is { } type) SetHeader("Content-Type", type.ToString());
        else ClearHeader("Content-Type");
        Write(body);
    }
}
