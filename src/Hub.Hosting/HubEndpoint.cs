using System.Net;

namespace Hub.Hosting;

/// <summary>
/// Where the hosted Hub listens, known once the host has started (the container is built before the listener binds,
/// so this is a promise rather than the binding itself). With port 0 it carries the port the OS picked.
/// </summary>
public sealed class HubEndpoint
{
    private readonly TaskCompletionSource<HubBinding> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HubBinding? _binding;

    /// <summary>Completes when the listener is bound; faults if binding failed.</summary>
    public Task<HubBinding> WhenBound => _bound.Task;

    /// <summary>The binding. Throws before the host has started (or if binding failed): await <see cref="WhenBound"/> instead.</summary>
    public HubBinding Binding => Volatile.Read(ref _binding)
        ?? throw new InvalidOperationException("Hub is not bound yet: start the host first, or await WhenBound");

    /// <summary>The bound address, e.g. 127.0.0.1:49152.</summary>
    public EndPoint LocalAddress => Binding.LocalAddress;

    /// <summary>The bound port (the real one when 0 was configured).</summary>
    public int Port => Binding.Port;

    /// <summary>http://host:port/ for the bound address; a wildcard bind (0.0.0.0, ::) is reported as loopback.</summary>
    public Uri BaseAddress
    {
        get
        {
            var ip = (IPEndPoint)LocalAddress;
            var address = ip.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : ip.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
                : ip.Address;
            return new UriBuilder(Uri.UriSchemeHttp, address.ToString(), ip.Port).Uri;
        }
    }

    internal void Bound(HubBinding binding)
    {
        Volatile.Write(ref _binding, binding);
        _bound.TrySetResult(binding);
    }

    internal void Failed(Exception cause) => _bound.TrySetException(cause);
}
