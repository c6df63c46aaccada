using System.CommandLine;
using Exchange.Client.Cli;
using Exchange.Client.Commands;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client;

/// <summary>
/// The command-line application: finds the command, reads the global options, connects, runs
/// the command and turns every failure into a message and an exit code. Everything it touches
/// is injected, so a test runs it against an in-memory server and reads what it printed:
/// <code>
/// var app = new ClientApp(console, _ => channel.CreateCallInvoker());
/// var exitCode = await app.RunAsync(["submit", "samples/postal-cn22-gift.json"], CancellationToken.None);
/// </code>
/// </summary>
/// <param name="console">Where results go (standard output).</param>
/// <param name="connect">Makes the call invoker for a server address (a channel of <see cref="ExchangeChannel"/> in the real program).</param>
/// <param name="environment">Reads an environment variable; null means none are set.</param>
/// <param name="errors">Where errors go (standard error); defaults to <paramref name="console"/>.</param>
public sealed class ClientApp(
    IAnsiConsole console,
    Func<string, Grpc.Core.CallInvoker> connect,
    Func<string, string?>? environment = null,
    IAnsiConsole? errors = null)
{
    public const string ServerVariable = "EXCHANGE_SERVER";
    public const string FilerVariable = "EXCHANGE_FILER";
    public const string DefaultFiler = "demo-filer";

    private readonly IAnsiConsole errors = errors ?? console;
    private readonly Func<string, string?> environment = environment ?? (_ => null);

    /// <summary>The command object behind each name of <see cref="ClientCommandLine"/>.</summary>
    public static ICommand CommandFor(string name) => name switch
    {
        "submit" => new SubmitCommand(),
        "bulk-submit" => new BulkSubmitCommand(),
        "get" => new GetCommand(),
        "list" => new ListCommand(),
        "amend" => new AmendCommand(),
        "cancel" => new CancelCommand(),
        "arrive" => new ArriveCommand(),
        "present" => new PresentCommand(),
        "answer-agency" => new AnswerAgencyCommand(),
        "consignment-create" => new ConsignmentCreateCommand(),
        "consignment-houses" => new ConsignmentHousesCommand(),
        "consignment-arrive" => new ConsignmentArriveCommand(),
        "consignment-present" => new ConsignmentPresentCommand(),
        "consignment-watch" => new ConsignmentWatchCommand(),
        "watch" => new WatchCommand(),
        "profiles" => new ProfilesCommand(),
        "dataset" => new DataSetCommand(),
        "check-data" => new CheckDataCommand(),
        "assessment" => new AssessmentCommand(),
        "pay" => new PayCommand(),
        _ => throw new ArgumentException($"No command is called '{name}'.", nameof(name)),
    };

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var server = ExchangeChannel.DefaultAddress;
        var root = ClientCommandLine.Build(CommandFor, (command, arguments, token) =>
        {
            server = ServerAddress(arguments);
            var context = new CommandContext(connect(server), FilerId(arguments), console, errors);
            return command.ExecuteAsync(context, arguments, token);
        });
        var parsed = root.Parse(args, ClientCommandLine.Configuration);
        // Mistakes are reported against the command they are about; `help nope` is about the whole tool.
        var commandName = parsed.CommandResult.Command == root || parsed.CommandResult.Command.Name == "help"
            ? null : parsed.CommandResult.Command.Name;
        var isHelp = parsed.Action is ClientCommandLine.Help;
        if (parsed.CommandResult.Command == root && !isHelp)
        {
            // No command: the overview when nothing at all was typed, else what is missing or unknown.
            if (args.Count == 0)
            {
                parsed = root.Parse(["--help"], ClientCommandLine.Configuration);
            }
            else
            {
                return UsageError(null, parsed.UnmatchedTokens is [{ } unknown, ..]
                    ? unknown.StartsWith('-') ? $"Unknown option '{unknown}'." : $"Unknown command '{unknown}'."
                    : "Missing command.");
            }
        }
        else if (!isHelp && parsed.Errors.Count > 0)
        {
            // Help wins over a missing argument: `submit --help` explains submit, it does not complain.
            return UsageError(commandName, parsed.Errors[0].Message);
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Profile.Out.Writer,
                Error = errors.Profile.Out.Writer,
                // Failures are turned into messages and exit codes below, not into a stack trace;
                // Ctrl+C is the caller's cancellation token (ClientProgram), not the library's own handler.
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (UsageException ex)
        {
            return UsageError(commandName, ex.Message);
        }
        catch (InputFileException ex)
        {
            foreach (var problem in ex.Problems)
            {
                errors.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
            }
            return ExitCodes.Rejected;
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            errors.WriteLine("Interrupted.");
            return ExitCodes.Failure;
        }
        catch (RpcException ex)
        {
            ErrorPrinter.Print(errors, ex);
            if (CallFailure.ErrorDetailsUnreadable(ex))
            {
                errors.WriteLine(CallFailure.ErrorDetailsUnreadableAdvice);
            }
            else if (CallFailure.IsConnectionFailure(ex))
            {
                errors.WriteLine($"Is an Exchange node running at {server}? Choose another with --server or ${ServerVariable}.");
            }
            return ExitCodes.ForStatus(ex.StatusCode);
        }
    }

    private string ServerAddress(ParsedArguments arguments)
    {
        var server = arguments.Value(ClientCommandLine.ServerOption) ?? NonEmpty(environment(ServerVariable)) ?? ExchangeChannel.DefaultAddress;
        return Uri.TryCreate(server, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? server
            : throw new UsageException($"--server must be an http:// or https:// address such as {ExchangeChannel.DefaultAddress}, not '{server}'.");
    }

    private string FilerId(ParsedArguments arguments)
    {
        var filer = arguments.Value(ClientCommandLine.FilerOption) ?? NonEmpty(environment(FilerVariable)) ?? DefaultFiler;
        // Checked here because the server would only answer "unauthenticated", which hides the typo.
        return CommandContext.IdPattern().IsMatch(filer)
            ? filer
            : throw new UsageException($"--filer must be lower-case letters, digits and hyphens, not '{filer}'.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// One line: what is wrong and where to read the usage. A usage mistake never prints the whole
    /// help, which would push the one line that matters off the screen.
    /// </summary>
    private int UsageError(string? commandName, string message)
    {
        var where = commandName is null ? ClientCommandLine.Name : $"{ClientCommandLine.Name} {commandName}";
        var help = commandName is null ? $"{ClientCommandLine.Name} help" : $"{ClientCommandLine.Name} help {commandName}";
        errors.MarkupLine($"[red]{Markup.Escape(where)}: {Markup.Escape(message)}[/] Run '{Markup.Escape(help)}' for the usage.");
        return ExitCodes.Rejected;
    }
}
