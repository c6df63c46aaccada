namespace Exchange.Benchmark;

/// <summary>Where the programs this tool starts are built, found from the repository root.</summary>
public static class Locations
{
    /// <summary>The folder holding Exchange.sln, above this tool's output folder.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Exchange.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Debug or Release: the configuration this tool was built in (bin/&lt;Configuration&gt;/net10.0/).</summary>
    public static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string ServerAssembly() =>
        Path.Combine(RepositoryRoot(), "src", "Exchange.Server", "bin", Configuration(), "net10.0", "Exchange.Server.dll");

    /// <summary>This tool, to start the baseline from (its own build folder has its runtime configuration).</summary>
    public static string BenchmarkAssembly() =>
        Path.Combine(RepositoryRoot(), "bench", "Exchange.Benchmark", "bin", Configuration(), "net10.0", "exchange-benchmark.dll");
}
