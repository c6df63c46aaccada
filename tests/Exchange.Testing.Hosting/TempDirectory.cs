namespace Exchange.Testing.Hosting;

/// <summary>A scratch directory for one test, removed when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("exchange-tests-").FullName;

    /// <summary>Writes a file into the directory and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the OS cleans its temp folder later.
        }
    }
}
