using System.Text;
using Hub.Http.Codec;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// Every field of a <see cref="RequestHead"/> as one string, so "same head" is one Assert.Equal with a readable
/// diff instead of a dozen assertions.
/// </summary>
internal static class HeadText
{
    public static string Of(RequestHead h)
    {
        var sb = new StringBuilder();
        sb.Append($"{h.Method} {h.Target} {h.Version}\n");
        sb.Append($"path={h.RawPath} query={h.RawQuery} host={h.Host}\n");
        sb.Append($"framing={h.Framing} length={h.ContentLength} keep-alive={h.KeepAlive} ");
        sb.Append($"expect-continue={h.ExpectContinue} upgrade={h.IsUpgrade}\n");
        foreach (var (name, value) in h.Headers) sb.Append($"{name}: {value}\n");
        return sb.ToString();
    }
}
