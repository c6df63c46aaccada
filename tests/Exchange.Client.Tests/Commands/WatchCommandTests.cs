using Exchange.Client.Cli;
using Exchange.Client.Commands;
using Exchange.Client.Tests.Support;

namespace Exchange.Client.Tests.Commands;

public sealed class WatchCommandTests : IAsyncLifetime
{
    private FakeExchange exchange = null!;

    public async Task InitializeAsync() => exchange = await FakeExchange.StartAsync();

    public async Task DisposeAsync() => await exchange.DisposeAsync();

    [Fact]
    public async Task Reconnects_after_a_drop_and_resumes_after_the_last_cursor_printed()
    {
        exchange.Service.WatchScripts.Add(new WatchScript(["c1", "c2"], DropAfterwards: true));
        exchange.Service.WatchScripts.Add(new WatchScript([], DropAfterwards: true));
        exchange.Service.WatchScripts.Add(new WatchScript(["c3"], DropAfterwards: false));
        var command = new WatchCommand(initialBackoff: TimeSpan.FromMilliseconds(10));
        var arguments = new ParsedArguments(ClientCommandLine.Build(ClientApp.CommandFor, (_, _, _) => Task.FromResult(0))
            .Parse(["watch", "--history", "--declaration", "d-7"], ClientCommandLine.Configuration));
        using var stop = new CancellationTokenSource();

        var watching = command.ExecuteAsync(exchange.Context(), arguments, stop.Token);
        await exchange.Output.WaitForAsync("d-c3");
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await watching);
        var requests = exchange.Service.WatchRequests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal(["", "c2", "c2"], requests.Select(r => r.StartAfterCursor));
        Assert.All(requests, r => Assert.Equal("filers/demo-filer/declarations/d-7", r.Declaration));
        Assert.True(requests[0].IncludeHistory);

        var eventLines = exchange.Output.Text.Split('\n').Where(l => l.StartsWith('c')).ToArray();
        Assert.Equal(["c1", "c2", "c3"], eventLines.Select(l => l.Split(' ')[0]));
        Assert.Contains("Connection lost", exchange.Output.Text);
    }

    [Fact]
    public async Task Starts_after_the_cursor_given_and_stops_cleanly_on_cancel()
    {
        exchange.Service.WatchScripts.Add(new WatchScript(["c8"], DropAfterwards: false));
        using var stop = new CancellationTokenSource();

        var watching = exchange.RunAsync(["watch", "--cursor", "c7"], stop.Token);
        await exchange.Output.WaitForAsync("d-c8");
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await watching);
        Assert.Equal("c7", Assert.Single(exchange.Service.WatchRequests).StartAfterCursor);
        Assert.Contains("ACCEPTED", exchange.Output.Text);
        Assert.Contains("LRN-c8", exchange.Output.Text);
    }

    [Fact]
    public async Task Prints_column_headings_once_above_the_events_and_each_event_under_them()
    {
        exchange.Service.WatchScripts.Add(new WatchScript(["c1", "c2"], DropAfterwards: false));
        using var stop = new CancellationTokenSource();

        var watching = exchange.RunAsync(["watch"], stop.Token);
        await exchange.Output.WaitForAsync("d-c2");
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await watching);
        var lines = exchange.Output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SkipWhile(l => !l.StartsWith("CURSOR", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal(WatchCommand.Header, lines[0]);
        foreach (var heading in new[] { "TIME", "TYPE", "STATUS", "LRN", "DECLARATION", "REVISION" })
        {
            // Each value starts in its heading's column.
            Assert.Contains(heading, lines[0]);
        }
        var statusColumn = lines[0].IndexOf("STATUS", StringComparison.Ordinal);
        var lrnColumn = lines[0].IndexOf("LRN", StringComparison.Ordinal);
        Assert.All(lines[1..], line =>
        {
            Assert.Equal("ACCEPTED", line[statusColumn..].Split(' ')[0]);
            Assert.StartsWith("LRN-c", line[lrnColumn..]);
        });
    }
}
