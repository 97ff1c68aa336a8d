using Hub.Configuration;

namespace Hub.Core.Tests.TestKit;

/// <summary>HTTP settings for codec tests: the reference defaults, or small limits that short inputs can cross.</summary>
internal static class TestSettings
{
    public static HttpSettings Default => HubSettings.Default.Http;

    /// <summary>Request line 64 B, headers 256 B / 8 fields, body 1000 B in slices of 16 B.</summary>
    public static HttpSettings Small => HubSettings.Default.Http with
    {
        MaxRequestLineSize = 64,
        MaxRequestHeadersTotalSize = 256,
        MaxRequestHeaderCount = 8,
        MaxRequestBodySize = 1000,
        BodyChunkSize = 16,
    };
}
