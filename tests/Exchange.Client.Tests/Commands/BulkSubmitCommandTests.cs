using Exchange.Client.Cli;
using Exchange.Client.Commands;
using Exchange.Testing.Hosting;
using Exchange.Client.Tests.Support;

namespace Exchange.Client.Tests.Commands;

public sealed class BulkSubmitCommandTests : IAsyncLifetime
{
    private FakeExchange exchange = null!;

    public async Task InitializeAsync() => exchange = await FakeExchange.StartAsync();

    public async Task DisposeAsync() => await exchange.DisposeAsync();

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    public async Task Submits_every_line_and_reports_each_rejected_one(string parallel)
    {
        var code = await exchange.RunAsync("bulk-submit", Samples.BulkMixed, "--parallel", parallel);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Equal(17, exchange.Service.Stored.Count);
        var text = exchange.Output.Text;
        Assert.Contains("Accepted: 17   Rejected: 3   Total: 20", text);
        foreach (var line in new[] { 6, 14, 20 })
        {
            Assert.Contains($"Rejected: bulk-mixed.jsonl line {line} ", text);
        }
        Assert.Contains("declaration.items[0].hs_code", text);
    }

    [Fact]
    public async Task Redirected_output_gets_plain_progress_lines_not_a_progress_bar()
    {
        // CapturedConsole is not a terminal, as stdout redirected to a file or a pipe is not.
        var bulk = new BulkSubmitCommand(progressInterval: TimeSpan.FromMilliseconds(1));
        var arguments = new ParsedArguments(ClientCommandLine.Build(ClientApp.CommandFor, (_, _, _) => Task.FromResult(0))
            .Parse(["bulk-submit", Samples.BulkMixed], ClientCommandLine.Configuration));

        var code = await bulk.ExecuteAsync(exchange.Context(), arguments, CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        var progress = exchange.Output.Text.Split('\n').Where(l => l.Contains(" sent, ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(progress);
        Assert.All(progress, line => Assert.Matches(@"^\d+ / 20 sent, \d+ answered$", line.TrimEnd()));
        Assert.Equal("20 / 20 sent, 20 answered", progress[^1].TrimEnd());
    }

    [Fact]
    public async Task Rerunning_the_same_file_resends_the_same_request_ids()
    {
        await exchange.RunAsync("bulk-submit", Samples.BulkMixed);
        var first = exchange.Service.RequestIds.ToHashSet();

        await exchange.RunAsync("bulk-submit", Samples.BulkMixed, "--parallel", "4");

        Assert.Equal(40, exchange.Service.RequestIds.Count);
        Assert.Equal(first, exchange.Service.RequestIds.ToHashSet());
        Assert.Equal(17, exchange.Service.Stored.Count); // the retry recorded nothing twice
    }

    [Fact]
    public async Task A_directory_of_json_files_is_one_bulk()
    {
        using var dir = new TempDirectory();
        File.Copy(Samples.PostalGift, Path.Combine(dir.Path, "a.json"));
        File.Copy(Samples.ExpressSale, Path.Combine(dir.Path, "b.json"));

        var code = await exchange.RunAsync("bulk-submit", dir.Path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Accepted: 2   Rejected: 0   Total: 2", exchange.Output.Text);
    }
}
