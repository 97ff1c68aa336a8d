using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Hub.Integration.Tests.Tls;

/// <summary>A raw TLS client (SslStream over a socket to 127.0.0.1) that accepts any certificate and records it.</summary>
public sealed class TlsClient : IAsyncDisposable
{
    private readonly Socket _socket;

    private TlsClient(Socket socket, SslStream stream, X509Certificate2? remote)
    {
        _socket = socket;
        Stream = stream;
        RemoteCertificate = remote;
    }

    public SslStream Stream { get; }

    /// <summary>The certificate the server presented.</summary>
    public X509Certificate2? RemoteCertificate { get; }

    /// <summary>Connects and completes the handshake, naming <paramref name="host"/> in SNI.</summary>
    public static async Task<TlsClient> ConnectAsync(int port, string host, SslProtocols protocols = SslProtocols.None)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? seen = null;
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = protocols,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                seen = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                return true;
            },
        }, timeout.Token);
        return new TlsClient(socket, stream, seen);
    }

    /// <summary>Sends one request and reads one response with a Content-Length or chunked body; returns it as text.</summary>
    public async Task<string> RequestAsync(string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await Stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var n = await Stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            received.Write(buffer, 0, n);
            var text = Encoding.Latin1.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            var lengthLine = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            if (lengthLine is not null && text.Length - end - 4 >= int.Parse(lengthLine.Split(':')[1].Trim())) return text;
            if (lengthLine is null && text.EndsWith("0\r\n\r\n", StringComparison.Ordinal)) return text;
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>A ClientHello offering only TLS 1.0 (no supported_versions extension), as an old client sends it.</summary>
    public static byte[] Tls10ClientHello()
    {
        var body = new List<byte> { 0x03, 0x01 };                 // client_version TLS 1.0
        body.AddRange(RandomNumberGenerator.GetBytes(32));        // random
        body.Add(0);                                              // no session id
        body.AddRange(new byte[] { 0x00, 0x04, 0x00, 0x2F, 0x00, 0x35 }); // AES128-SHA, AES256-SHA
        body.AddRange(new byte[] { 0x01, 0x00 });                 // null compression
        var handshake = new List<byte> { 0x01, 0, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        var record = new List<byte> { 0x16, 0x03, 0x01, (byte)(handshake.Count >> 8), (byte)handshake.Count };
        record.AddRange(handshake);
        return record.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _socket.Dispose();
    }
}
