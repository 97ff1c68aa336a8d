using System.Globalization;
using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>What happens to a WebSocket message over its connection's rate (hub.limits.message-rate-policy).</summary>
public enum MessageRatePolicy
{
    /// <summary>The connection is closed with 1008 (policy violation).</summary>
    Close,

    /// <summary>The message is dropped and the client told, at most once a second, how many were dropped.</summary>
    Drop,
}

/// <summary>hub.limits: per-connection message rate (a token bucket per WebSocket).</summary>
/// <param name="MessagesPerSecond">Sustained messages per second a WebSocket may send; null: no limit.</param>
/// <param name="Burst">Messages a WebSocket may send at once above the sustained rate (the bucket's size).</param>
/// <param name="MessageRatePolicy">What happens to a message over the rate.</param>
public sealed record LimitSettings(double? MessagesPerSecond, int Burst, MessageRatePolicy MessageRatePolicy)
{
    internal static LimitSettings FromConfig(Config c, string path)
    {
        var rateText = ConfigReader.String(c, path, "messages-per-second");
        double? rate = rateText is "off" or "unlimited"
            ? null
            : double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0 && double.IsFinite(r)
                ? r
                : throw new ConfigurationException($"{path}.messages-per-second must be a positive number or off, was '{rateText}'");
        var policy = ConfigReader.String(c, path, "message-rate-policy") switch
        {
            "close" => MessageRatePolicy.Close,
            "drop" => MessageRatePolicy.Drop,
            var v => throw new ConfigurationException($"{path}.message-rate-policy must be close or drop, was '{v}'"),
        };
        return new LimitSettings(rate, ConfigReader.Int(c, path, "burst", 1, int.MaxValue), policy);
    }
}
