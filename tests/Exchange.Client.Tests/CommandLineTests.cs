using Exchange.Client.Cli;
using Exchange.Client.Commands;
using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Grpc.Net.Client;

namespace Exchange.Client.Tests;

/// <summary>The command line: help, usage mistakes and global options, before anything is sent.</summary>
public sealed class CommandLineTests
{
    private readonly CapturedConsole output = new();
    private readonly List<string> addresses = [];

    // Never called by these tests: every case fails or finishes before a request is made.
    private ClientApp App(Dictionary<string, string>? environment = null) => new(
        output.Console,
        address =>
        {
            addresses.Add(address);
            return GrpcChannel.ForAddress(address).CreateCallInvoker();
        },
        name => environment?.GetValueOrDefault(name));

    [Theory]
    [InlineData]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_lists_every_command(params string[] args)
    {
        var code = await App().RunAsync(args, CancellationToken.None);

        Assert.Equal(0, code);
        foreach (var command in new[] { "submit", "bulk-submit", "get", "list", "amend", "cancel", "arrive", "present", "consignment-create", "consignment-houses", "consignment-arrive",
                     "consignment-present", "consignment-watch", "watch", "help" })
        {
            Assert.Contains($"  {command} ", output.Text);
        }
        Assert.Contains("--server URL", output.Text);
    }

    [Theory]
    [InlineData("help", "submit")]
    [InlineData("submit", "--help")]
    [InlineData("--filer", "acme", "submit", "-h")]
    [InlineData("--server", "http://127.0.0.1:5190", "help", "submit")]
    public async Task Command_help_shows_its_usage_without_needing_its_arguments(params string[] args)
    {
        var code = await App().RunAsync(args, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("Usage: exchange-client submit <file.json> [--request-id UUID]", output.Text);
    }

    [Fact]
    public async Task Consignment_present_shows_its_repeated_argument_in_its_usage()
    {
        var code = await App().RunAsync(["help", "consignment-present"], CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("Usage: exchange-client consignment-present <name-or-id> <house-ref>...", output.Text);
    }

    [Fact]
    public void Only_a_last_argument_ending_in_dots_takes_several_values()
    {
        var present = new ConsignmentPresentCommand().Spec;
        var arrive = new ConsignmentArriveCommand().Spec;

        var parsed = CommandLine.Parse(["mawb-1", "1234567890", "RR123456785NL", "9876543210"], present, ClientApp.GlobalOptions);

        Assert.Equal(["mawb-1", "1234567890", "RR123456785NL", "9876543210"], parsed.Positionals);
        Assert.Equal("Unexpected argument 'extra'.", Assert.Throws<UsageException>(() => CommandLine.Parse(["mawb-1", "extra"], arrive, ClientApp.GlobalOptions)).Message);
    }

    [Fact]
    public async Task An_unknown_command_prints_usage_and_fails()
    {
        var code = await App().RunAsync(["sumbit", "x.json"], CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Contains("Unknown command 'sumbit'.", output.Text);
        Assert.Contains("Usage: exchange-client <command> [options]", output.Text);
    }

    [Theory]
    [InlineData("Missing argument <file.json>.", "submit")]
    [InlineData("Missing argument <file.json>.", "amend", "d-1")]
    [InlineData("Unexpected argument 'b.json'.", "submit", "a.json", "b.json")]
    [InlineData("Unknown option '--requestid' for 'submit'.", "submit", "a.json", "--requestid", "x")]
    [InlineData("--request-id needs a value (UUID).", "submit", "a.json", "--request-id")]
    [InlineData("--all takes no value.", "list", "--all=yes")]
    [InlineData("--page-size must be a whole number from 1 to 1000, not '0'.", "list", "--page-size", "0")]
    [InlineData("--since must be an ISO 8601 date or time", "list", "--since", "yesterday")]
    [InlineData("--status must be one of", "list", "--status", "DONE")]
    [InlineData("--reason is required", "cancel", "d-1")]
    [InlineData("--request-id must be a UUID", "submit", "a.json", "--request-id", "42")]
    [InlineData("is neither a declaration id nor a name", "get", "Some/Thing")]
    [InlineData("--parallel must be a whole number from 1 to 64", "bulk-submit", "x.jsonl", "--parallel", "0")]
    [InlineData("--filer must be lower-case letters, digits and hyphens, not 'Acme_Co'.", "list", "--filer", "Acme_Co")]
    [InlineData("--server must be an http:// or https:// address", "list", "--server", "127.0.0.1:5080")]
    [InlineData("Missing command.", "--filer", "acme")]
    [InlineData("Missing argument <name-or-id>.", "present")]
    [InlineData("Missing argument <house-ref>....", "consignment-present", "mawb-176-12345675")]
    [InlineData("is neither a consignment id nor a name", "consignment-present", "MAWB 176", "1234567890")]
    [InlineData("Give --history or --cursor, not both", "watch", "--history", "--cursor", "12")]
    [InlineData("Give --history or --cursor, not both", "consignment-watch", "--history", "--cursor", "12")]
    [InlineData("--cursor needs a value (CURSOR).", "consignment-watch", "--cursor")]
    [InlineData("Unknown option '--from-start' for 'consignment-watch'.", "consignment-watch", "--from-start")]
    public async Task A_usage_mistake_explains_itself_and_fails_before_sending(string expected, params string[] args)
    {
        var code = await App().RunAsync(args, CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Contains(expected, output.Text);
        Assert.Contains("Usage: exchange-client", output.Text);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var code = await App().RunAsync(["submit", "no-such-file.json"], CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Contains("no-such-file.json: file not found.", output.Text);
    }

    [Fact]
    public async Task The_server_comes_from_the_option_then_the_environment_then_the_default()
    {
        var environment = new Dictionary<string, string> { [ClientApp.ServerVariable] = "http://node.example:6000" };
        // Each run connects, then stops at the invalid page size before sending anything.
        string[] args = ["list", "--page-size", "0"];

        await App(environment).RunAsync([.. args, "--server", "http://127.0.0.1:1"], CancellationToken.None);
        await App(environment).RunAsync(args, CancellationToken.None);
        await App().RunAsync(args, CancellationToken.None);

        Assert.Equal(["http://127.0.0.1:1", "http://node.example:6000", ExchangeChannel.DefaultAddress], addresses);
    }
}
