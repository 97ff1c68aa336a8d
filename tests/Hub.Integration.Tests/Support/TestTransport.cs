namespace Hub.Integration.Tests.Support;

/// <summary>
/// The hub.transport every <see cref="TestServer"/> of this test assembly runs on. Hub.Integration.Tests runs the
/// suites on akka-io; Hub.Integration.Sockets.Tests compiles the same test files with HUB_TEST_SOCKETS defined and
/// runs them on sockets, so `dotnet test Hub.sln` covers both transports. HUB_TEST_TRANSPORT overrides either.
/// </summary>
public static class TestTransport
{
#if HUB_TEST_SOCKETS
    private const string AssemblyDefault = "sockets";
#else
    private const string AssemblyDefault = "akka-io";
#endif

    public static string Name { get; } = Environment.GetEnvironmentVariable("HUB_TEST_TRANSPORT") is { Length: > 0 } set
        ? set
        : AssemblyDefault;
}
