namespace Hub.Integration.Tests.Packaging;

/// <summary>
/// What issue 12 §8 asks of the packages: a new project that references the freshly packed Hub.Core (alone, or with
/// Hub.Cluster) restores and builds with no warning at all — with warnings as errors, as a strict consumer would.
/// The consumer lives in a temp directory (none of the repository's Directory.*.props apply) and restores offline:
/// Hub.* from the packed folder, everything else from the local NuGet cache used as a feed, into a packages folder
/// of its own so no earlier Hub.* package can be picked up.
/// </summary>
public sealed class ConsumerBuildTests
{
    private const string HelloWorld = """
        using Akka.Actor;
        using Hub;
        using Hub.Configuration;

        public sealed class MainHandler : RequestHandler
        {
            public override Task GetAsync()
            {
                Write("Hello, world");
                return Task.CompletedTask;
            }
        }

        public static class Program
        {
            public static async Task Main()
            {
                var app = new Application(routes => routes.Map<MainHandler>("/"));
                var system = ActorSystem.Create("hello", HubSettings.DefaultConfig());
                await HubServer.StartAsync(system, app, HubSettings.Default with
                {
                    Server = HubSettings.Default.Server with { Hostname = "127.0.0.1", Port = 8888 },
                });
                await system.WhenTerminated;
            }
        }
        """;

    [Theory]
    [InlineData("Hub.Core")]
    [InlineData("Hub.Core", "Hub.Cluster")]
    public async Task A_consumer_of_the_packages_restores_and_builds_without_warnings(params string[] packages)
    {
        var work = Directory.CreateTempSubdirectory("hub-consumer-");
        try
        {
            var feed = work.CreateSubdirectory("feed");
            foreach (var package in packages.Contains("Hub.Cluster") ? ["Hub.Core", "Hub.Cluster"] : packages)
                await DotnetCli.PackAsync(package, feed);
            var app = work.CreateSubdirectory("app");
            await File.WriteAllTextAsync(Path.Combine(app.FullName, "NuGet.Config"), NuGetConfig(feed.FullName));
            await File.WriteAllTextAsync(Path.Combine(app.FullName, "Consumer.csproj"), ProjectFile(packages, Path.Combine(work.FullName, "packages")));
            await File.WriteAllTextAsync(Path.Combine(app.FullName, "Program.cs"), HelloWorld);

            var (restoreExit, restore) = await DotnetCli.RunAsync(["restore", "-nologo"], app.FullName, TimeSpan.FromMinutes(4));
            Assert.True(restoreExit == 0, "restore failed:\n" + restore);
            Assert.DoesNotContain("warning", restore, StringComparison.OrdinalIgnoreCase);

            var (buildExit, build) = await DotnetCli.RunAsync(["build", "--no-restore", "-nologo", "-c", "Release"], app.FullName, TimeSpan.FromMinutes(4));
            Assert.True(buildExit == 0, "build failed:\n" + build);
            Assert.Contains("0 Warning(s)", build);

            // A single-node consumer pulls in no cluster package at all.
            var assets = await File.ReadAllTextAsync(Path.Combine(app.FullName, "obj", "project.assets.json"));
            if (!packages.Contains("Hub.Cluster"))
                foreach (var id in new[] { "Akka.Cluster", "Akka.DistributedData", "LightningDB" })
                    Assert.DoesNotContain($"\"{id}/", assets);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string ProjectFile(IEnumerable<string> packages, string packagesFolder) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <RestorePackagesPath>{packagesFolder}</RestorePackagesPath>
          </PropertyGroup>
          <ItemGroup>
        {string.Concat(packages.Select(p => $"    <PackageReference Include=\"{p}\" Version=\"0.1.0\" />\n"))}  </ItemGroup>
        </Project>
        """;

    /// <summary>Only local sources; Hub.* only from the packed folder (source mapping), the rest from the cache.</summary>
    private static string NuGetConfig(string feed)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{feed}" />
                <add key="cache" value="{cache}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="packed"><package pattern="Hub.*" /></packageSource>
                <packageSource key="cache"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }
}
