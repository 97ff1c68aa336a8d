using System.Buffers;

namespace Hub.Core.Tests.TestKit;

/// <summary>An <see cref="ArrayPool{T}"/> over the shared pool that counts what is rented and not yet returned.</summary>
internal sealed class CountingArrayPool : ArrayPool<byte>
{
    private long _outstanding;
    private long _rentals;

    /// <summary>Arrays rented and not returned.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    /// <summary>Arrays rented so far.</summary>
    public long Rentals => Interlocked.Read(ref _rentals);

    public override byte[] Rent(int minimumLength)
    {
        Interlocked.Increment(ref _rentals);
        Interlocked.Increment(ref _outstanding);
        return Shared.Rent(minimumLength);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Interlocked.Decrement(ref _outstanding);
        Shared.Return(array, clearArray);
    }
}
