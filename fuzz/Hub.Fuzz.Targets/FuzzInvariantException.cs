namespace Hub.Fuzz;

/// <summary>A fuzz target saw the code under test break one of its invariants. Left uncaught, AFL++ records it as a crash.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message)
{
    public static void Check(bool condition, string what)
    {
        if (!condition) throw new FuzzInvariantException(what);
    }
}
