using Exchange.Client.Cli;
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
        foreach (var command in new[] { "submit", "bulk-submit", "get", "list", "amend", "cancel", "arrive", "present", "answer-agency", "consignment-create", "consignment-houses", "consignment-arrive",
                     "consignment-present", "consignment-watch", "watch", "profiles", "dataset", "check-data", "help" })
        {
            Assert.Contains($"  {command} ", output.Text);
        }
        Assert.Contains("--server <URL>", output.Text);
        Assert.Contains("Exit codes: 0 success", output.Text);
    }

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task Each_command_has_help_generated_from_its_definition(string command)
    {
        var definition = Tree.Subcommands.Single(c => c.Name == command);

        var code = await App().RunAsync(["help", command], CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains($"exchange-client {command}", output.Text);
        Assert.Contains(definition.Description!, output.Text);
        foreach (var argument in definition.Arguments)
        {
            Assert.Contains($"<{argument.Name}>", output.Text);
        }
        foreach (var option in definition.Options)
        {
            Assert.Contains(option.HelpName is null ? option.Name : $"{option.Name} <{option.HelpName}>", output.Text);
            Assert.Contains(option.Description!, output.Text);
        }
        Assert.Contains("--server <URL>", output.Text); // the global options, on every command's page
    }

    public static TheoryData<string> EveryCommand() => new(Tree.Subcommands.Select(c => c.Name));

    private static System.CommandLine.Command Tree => ClientCommandLine.Build(ClientApp.CommandFor, (_, _, _) => Task.FromResult(0));

    /// <summary>What a command would be given, parsed by the real tree without running anything.</summary>
    private static ParsedArguments Parse(params string[] args)
    {
        var parsed = Tree.Parse(args, ClientCommandLine.Configuration);
        Assert.True(parsed.Errors.Count == 0, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return new ParsedArguments(parsed);
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
        Assert.Contains("exchange-client submit <file.json> [options]", output.Text);
        Assert.Contains("--request-id <UUID>", output.Text);
    }

    [Fact]
    public async Task Consignment_present_shows_its_repeated_argument_in_its_usage()
    {
        var code = await App().RunAsync(["help", "consignment-present"], CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("exchange-client consignment-present <name-or-id> <house-ref>...", output.Text);
    }

    [Fact]
    public async Task Only_a_repeated_last_argument_takes_several_values()
    {
        var parsed = Parse("consignment-present", "mawb-1", "1234567890", "RR123456785NL", "9876543210");

        Assert.Equal(["mawb-1", "1234567890", "RR123456785NL", "9876543210"], parsed.Positionals);
        Assert.Equal(ExitCodes.Rejected, await App().RunAsync(["consignment-arrive", "mawb-1", "extra"], CancellationToken.None));
        Assert.Contains("'extra'", output.Text);
    }

    /// <summary>Every command line the READMEs and scripts use still means what it meant before System.CommandLine.</summary>
    [Theory]
    [InlineData("submit a.json --request-id 0f8fad5b-d9cb-469f-a165-70867728950e", "a.json", "--request-id=0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("submit --request-id=0f8fad5b-d9cb-469f-a165-70867728950e a.json", "a.json", "--request-id=0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("bulk-submit bulk.jsonl --parallel 2", "bulk.jsonl", "--parallel=2")]
    [InlineData("get d-1", "d-1", "")]
    [InlineData("list --status ACCEPTED --since 2026-01-01 --until 2026-02-01 --reference LRN-1 --page-size 5 --page-token 10 --all", "",
        "--status=ACCEPTED --since=2026-01-01 --until=2026-02-01 --reference=LRN-1 --page-size=5 --page-token=10 --all")]
    [InlineData("amend d-1 current.json", "d-1 current.json", "")]
    [InlineData("cancel d-1 --reason Buyer", "d-1", "--reason=Buyer")]
    [InlineData("arrive d-1 --office NL000396 --time 2026-03-01T12:00:00Z --conveyance KL1234", "d-1", "--office=NL000396 --time=2026-03-01T12:00:00Z --conveyance=KL1234")]
    [InlineData("present d-1", "d-1", "")]
    [InlineData("--filer swift-express consignment-create c.json --id mawb-1", "c.json", "--id=mawb-1 --filer=swift-express")]
    [InlineData("consignment-houses mawb-1", "mawb-1", "")]
    [InlineData("consignment-arrive mawb-1 --office NL000396 --time 2026-03-01", "mawb-1", "--office=NL000396 --time=2026-03-01")]
    [InlineData("consignment-present mawb-1 1234567890", "mawb-1 1234567890", "")]
    [InlineData("consignment-watch --history --consignment mawb-1", "", "--history --consignment=mawb-1")]
    [InlineData("consignment-watch --cursor 12", "", "--cursor=12")]
    [InlineData("watch --history --declaration d-7", "", "--history --declaration=d-7")]
    [InlineData("--server http://127.0.0.1:5190 watch --cursor c7 --filer acme", "", "--cursor=c7 --server=http://127.0.0.1:5190 --filer=acme")]
    public void Each_command_reads_the_options_it_always_took(string commandLine, string positionals, string options)
    {
        var parsed = Parse(commandLine.Split(' '));

        Assert.Equal(positionals.Split(' ', StringSplitOptions.RemoveEmptyEntries), parsed.Positionals);
        foreach (var option in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (option.Split('=') is [var name, var value])
            {
                Assert.Equal(value, parsed.Value(name));
            }
            else
            {
                Assert.True(parsed.Flag(option), option);
            }
        }
    }

    [Fact]
    public async Task An_unknown_option_is_one_line_and_exit_code_2()
    {
        var code = await App().RunAsync(["submit", "a.json", "--requestid", "x"], CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        var line = Assert.Single(output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("exchange-client submit: ", line);
        Assert.Contains("'--requestid'", line);
        Assert.Contains("Run 'exchange-client help submit' for the usage.", line);
        Assert.Empty(addresses); // refused before connecting
    }

    [Fact]
    public async Task An_unknown_command_prints_usage_and_fails()
    {
        var code = await App().RunAsync(["sumbit", "x.json"], CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Equal("exchange-client: Unknown command 'sumbit'. Run 'exchange-client help' for the usage.", output.Text.Trim());
    }

    [Theory]
    [InlineData("Required argument missing for command: 'submit'.", "submit")]
    [InlineData("Required argument missing for command: 'amend'.", "amend", "d-1")]
    [InlineData("Unrecognized command or argument 'b.json'.", "submit", "a.json", "b.json")]
    [InlineData("Unrecognized command or argument '--requestid'.", "submit", "a.json", "--requestid", "x")]
    [InlineData("Required argument missing for option: '--request-id'.", "submit", "a.json", "--request-id")]
    [InlineData("'yes'", "list", "--all=yes")]
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
    [InlineData("Unknown command 'nope'.", "help", "nope")]
    [InlineData("Required argument missing for command: 'present'.", "present")]
    [InlineData("Required argument missing for command: 'consignment-present'.", "consignment-present", "mawb-176-12345675")]
    [InlineData("is neither a consignment id nor a name", "consignment-present", "MAWB 176", "1234567890")]
    [InlineData("Give --history or --cursor, not both", "watch", "--history", "--cursor", "12")]
    [InlineData("Give --history or --cursor, not both", "consignment-watch", "--history", "--cursor", "12")]
    [InlineData("Required argument missing for option: '--cursor'.", "consignment-watch", "--cursor")]
    [InlineData("Unrecognized command or argument '--from-start'.", "consignment-watch", "--from-start")]
    public async Task A_usage_mistake_explains_itself_and_fails_before_sending(string expected, params string[] args)
    {
        var code = await App().RunAsync(args, CancellationToken.None);

        Assert.Equal(ExitCodes.Rejected, code);
        var line = Assert.Single(output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.Contains("for the usage.", line);
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
