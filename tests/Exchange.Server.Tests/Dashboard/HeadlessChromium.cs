using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Dashboard;

/// <summary>
/// A real headless Chromium (Debian's chromium package) on a throwaway profile, driven over the
/// DevTools protocol. Started with --remote-debugging-port=0: the browser picks a free port and
/// names its endpoint on stderr ("DevTools listening on ws://..."). Disposing kills the process
/// this test started (and its children) by its id, whatever happened before.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Binaries = ["chromium", "chromium-browser"];

    private readonly Process _process;
    private readonly TempDirectory _profile;
    private readonly List<string> _stderr;

    private HeadlessChromium(Process process, TempDirectory profile, List<string> stderr, DevToolsClient devTools)
    {
        _process = process;
        _profile = profile;
        _stderr = stderr;
        DevTools = devTools;
    }

    public DevToolsClient DevTools { get; }

    /// <summary>The browser binary on PATH, or null.</summary>
    public static string? FindBinary() =>
        Binaries
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>Why browser tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => FindBinary() is null
        ? "Dashboard browser test SKIPPED: no chromium or chromium-browser on PATH (apt-get install chromium; .ci/run does)"
        : null;

    public static async Task<HeadlessChromium> StartAsync()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(SkipReason);
        var profile = new TempDirectory();
        var info = new ProcessStartInfo(binary,
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
            $"--user-data-dir={profile.Path}",
            // Nothing but the page under test: no first-run UI, no updates or background traffic.
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            "about:blank",
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var stderr = new List<string>();
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (stderr)
            {
                stderr.Add(e.Data);
            }
            if (DevToolsLine().Match(e.Data) is { Success: true } match)
            {
                endpoint.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Exited += (_, _) => endpoint.TrySetException(new InvalidOperationException("Chromium exited before listening."));
        if (!process.Start())
        {
            profile.Dispose();
            throw new InvalidOperationException($"Could not start {binary}.");
        }
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var address = await endpoint.Task.WaitAsync(StartTimeout);
            var devTools = await DevToolsClient.ConnectAsync(address);
            return new HeadlessChromium(process, profile, stderr, devTools);
        }
        catch (Exception error)
        {
            Stop(process);
            process.Dispose();
            profile.Dispose();
            string output;
            lock (stderr)
            {
                output = string.Join(Environment.NewLine, stderr);
            }
            throw new InvalidOperationException($"Chromium did not start its DevTools endpoint ({error.Message}). Its stderr:{Environment.NewLine}{output}", error);
        }
    }

    /// <summary>A new tab, attached with its own flattened session; Runtime, Log, Network and Page enabled before any navigation.</summary>
    public async Task<DevToolsPage> OpenPageAsync()
    {
        var target = await DevTools.SendAsync("Target.createTarget", new { url = "about:blank" });
        var attached = await DevTools.SendAsync("Target.attachToTarget", new { targetId = target.GetProperty("targetId").GetString(), flatten = true });
        var page = new DevToolsPage(DevTools, attached.GetProperty("sessionId").GetString()!);
        foreach (var domain in new[] { "Runtime", "Log", "Network", "Page" })
        {
            await page.SendAsync(domain + ".enable");
        }
        return page;
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return string.Join(Environment.NewLine, _stderr);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DevTools.DisposeAsync();
        }
        finally
        {
            Stop(_process);
            _process.Dispose();
            _profile.Dispose();
        }
    }

    /// <summary>Kills the browser this test started, by its process (and its renderer children), bounded.</summary>
    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}

/// <summary>One tab of <see cref="HeadlessChromium"/>: navigate, evaluate, and the problems it reported.</summary>
internal sealed class DevToolsPage(DevToolsClient devTools, string sessionId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<JsonElement> SendAsync(string method, object? parameters = null) => devTools.SendAsync(method, parameters, sessionId);

    /// <summary>Navigates and waits until the dashboard says it finished loading (data-state ready or error).</summary>
    public async Task<string> LoadDashboardAsync(Uri url, TimeSpan timeout)
    {
        // Mark the current document, so its state is never mistaken for the next page's.
        await EvaluateAsync<bool>("(() => { if (document.body) document.body.dataset.state = 'left'; return true; })()");
        var navigation = await SendAsync("Page.navigate", new { url = url.ToString() });
        if (navigation.TryGetProperty("errorText", out var failed) && failed.GetString() is { Length: > 0 } text)
        {
            throw new InvalidOperationException($"Navigation to {url} failed: {text}");
        }
        var deadline = DateTime.UtcNow + timeout;
        var expected = JsonSerializer.Serialize(url.ToString());
        while (DateTime.UtcNow < deadline)
        {
            var state = await EvaluateAsync<string>(
                $"location.href === {expected} && document.body ? (document.body.dataset.state || '') : ''");
            if (state is "ready" or "error")
            {
                return state;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The dashboard at {url} did not finish loading within {timeout}. Problems: {string.Join("; ", Problems())}");
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value (by value); a thrown exception fails.</summary>
    public async Task<T> EvaluateAsync<T>(string expression)
    {
        var answer = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (answer.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"The page threw evaluating {expression}: {exception.GetRawText()}");
        }
        return answer.GetProperty("result").GetProperty("value").Deserialize<T>(Json)!;
    }

    /// <summary>Uncaught exceptions, console.error/assert calls and error log entries of this page, as text.</summary>
    public IReadOnlyList<string> Problems(bool includeNetworkErrors = true) =>
        devTools.Events(sessionId).SelectMany(e => e.Method switch
        {
            "Runtime.exceptionThrown" => [$"exception: {e.Params.GetProperty("exceptionDetails").GetRawText()}"],
            "Runtime.consoleAPICalled" when e.Params.GetProperty("type").GetString() is "error" or "assert" =>
                [$"console.{e.Params.GetProperty("type").GetString()}: {e.Params.GetProperty("args").GetRawText()}"],
            "Log.entryAdded" when e.Params.GetProperty("entry").GetProperty("level").GetString() == "error"
                && (includeNetworkErrors || e.Params.GetProperty("entry").GetProperty("source").GetString() != "network") =>
                [$"log: {e.Params.GetProperty("entry").GetRawText()}"],
            _ => Array.Empty<string>(),
        }).ToList();

    /// <summary>Every URL the page requested (Network.requestWillBeSent).</summary>
    public IReadOnlyList<string> RequestedUrls() =>
        devTools.Events(sessionId)
            .Where(e => e.Method == "Network.requestWillBeSent")
            .Select(e => e.Params.GetProperty("request").GetProperty("url").GetString()!)
            .ToList();

    /// <summary>Responses with an HTTP error status, as "status url".</summary>
    public IReadOnlyList<string> FailedResponses() =>
        devTools.Events(sessionId)
            .Where(e => e.Method == "Network.responseReceived" && e.Params.GetProperty("response").GetProperty("status").GetInt32() >= 400)
            .Select(e => $"{e.Params.GetProperty("response").GetProperty("status").GetInt32()} {e.Params.GetProperty("response").GetProperty("url").GetString()}")
            .ToList();

    public void ClearEvents() => devTools.ClearEvents();
}
