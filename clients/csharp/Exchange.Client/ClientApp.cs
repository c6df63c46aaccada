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

    public static readonly OptionSpec ServerOption = new("--server", "URL", $"Node address (default {ExchangeChannel.DefaultAddress}, or ${ServerVariable}).");
    public static readonly OptionSpec FilerOption = new("--filer", "ID", $"Your filer id, sent as the {CommandContext.FilerHeader} header (default {DefaultFiler}, or ${FilerVariable}).");
    public static readonly OptionSpec HelpOption = new("--help", null, "Show help (also -h).");
    public static readonly IReadOnlyList<OptionSpec> GlobalOptions = [ServerOption, FilerOption, HelpOption];

    private readonly IAnsiConsole errors = errors ?? console;
    private readonly Func<string, string?> environment = environment ?? (_ => null);

    public IReadOnlyList<ICommand> Commands { get; } =
    [
        new SubmitCommand(),
        new BulkSubmitCommand(),
        new GetCommand(),
        new ListCommand(),
        new AmendCommand(),
        new CancelCommand(),
        new ArriveCommand(),
        new PresentCommand(),
        new ConsignmentCreateCommand(),
        new ConsignmentHousesCommand(),
        new ConsignmentArriveCommand(),
        new ConsignmentPresentCommand(),
        new ConsignmentWatchCommand(),
        new WatchCommand(),
    ];

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var commandIndex = FindCommand(args);
        if (commandIndex < 0)
        {
            if (args.Count == 0 || args.Contains("--help") || args.Contains("-h"))
            {
                PrintHelp(console);
                return ExitCodes.Success;
            }
            return UsageError(null, "Missing command.");
        }

        var name = args[commandIndex];
        var rest = args.Where((_, i) => i != commandIndex).ToArray();
        if (name == "help")
        {
            return Help(rest);
        }
        var command = Commands.FirstOrDefault(c => c.Spec.Name == name);
        if (command is null)
        {
            return UsageError(null, $"Unknown command '{name}'.");
        }

        var server = ExchangeChannel.DefaultAddress;
        try
        {
            var arguments = CommandLine.Parse(rest, command.Spec, GlobalOptions);
            if (arguments.Flag(HelpOption.Name))
            {
                PrintCommandHelp(console, command.Spec);
                return ExitCodes.Success;
            }
            server = ServerAddress(arguments);
            var filer = FilerId(arguments);
            var context = new CommandContext(connect(server), filer, console, errors);
            return await command.ExecuteAsync(context, arguments, cancellationToken);
        }
        catch (UsageException ex)
        {
            return UsageError(command.Spec, ex.Message);
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
            if (ex.StatusCode == StatusCode.Unavailable)
            {
                errors.WriteLine($"Is an Exchange node running at {server}? Choose another with --server or ${ServerVariable}.");
            }
            return ExitCodes.ForStatus(ex.StatusCode);
        }
    }

    /// <summary>Index of the command word: the first argument that is neither a global option nor its value.</summary>
    private static int FindCommand(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith('-'))
            {
                return i;
            }
            if (args[i] == ServerOption.Name || args[i] == FilerOption.Name)
            {
                i++; // skip the option's value
            }
        }
        return -1;
    }

    private string ServerAddress(ParsedArguments arguments)
    {
        var server = arguments.Value(ServerOption.Name) ?? NonEmpty(environment(ServerVariable)) ?? ExchangeChannel.DefaultAddress;
        return Uri.TryCreate(server, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? server
            : throw new UsageException($"--server must be an http:// or https:// address such as {ExchangeChannel.DefaultAddress}, not '{server}'.");
    }

    private string FilerId(ParsedArguments arguments)
    {
        var filer = arguments.Value(FilerOption.Name) ?? NonEmpty(environment(FilerVariable)) ?? DefaultFiler;
        // Checked here because the server would only answer "unauthenticated", which hides the typo.
        return CommandContext.IdPattern().IsMatch(filer)
            ? filer
            : throw new UsageException($"--filer must be lower-case letters, digits and hyphens, not '{filer}'.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private int Help(IReadOnlyList<string> rest)
    {
        // The topic is found as the command is: `--server URL help watch` names watch, not the URL.
        var topic = FindCommand(rest) is var index and >= 0 ? rest[index] : null;
        if (topic is null)
        {
            PrintHelp(console);
            return ExitCodes.Success;
        }
        var command = Commands.FirstOrDefault(c => c.Spec.Name == topic);
        if (command is null)
        {
            return UsageError(null, $"Unknown command '{topic}'.");
        }
        PrintCommandHelp(console, command.Spec);
        return ExitCodes.Success;
    }

    private int UsageError(CommandSpec? spec, string message)
    {
        errors.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        errors.WriteLine();
        if (spec is null)
        {
            PrintHelp(errors);
        }
        else
        {
            errors.WriteLine($"Usage: {spec.UsageLine}");
            errors.WriteLine($"Run 'exchange-client help {spec.Name}' for details.");
        }
        return ExitCodes.Rejected;
    }

    private void PrintHelp(IAnsiConsole output)
    {
        output.WriteLine("exchange-client: sample client of the Exchange, the cross-border e-commerce customs declaration service (gRPC).");
        output.WriteLine();
        output.WriteLine("Usage: exchange-client <command> [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        var commands = new Grid().AddColumn(new GridColumn().Padding(2, 0, 2, 0).NoWrap()).AddColumn();
        foreach (var command in Commands)
        {
            commands.AddRow(Display.Cells(command.Spec.Name, command.Spec.Summary));
        }
        commands.AddRow(Display.Cells("help", "Show this text, or 'help <command>' for one command."));
        output.Write(commands);
        output.WriteLine();
        PrintOptions(output, "Global options:", GlobalOptions);
        output.WriteLine();
        output.WriteLine("Exit codes: 0 success; 1 failure (node unreachable, refused credentials, conflict, interrupted); "
            + "2 rejected input (wrong arguments, unreadable file, or a request the node refused as given).");
    }

    private static void PrintCommandHelp(IAnsiConsole output, CommandSpec spec)
    {
        output.WriteLine($"Usage: {spec.UsageLine}");
        output.WriteLine();
        output.WriteLine(spec.Summary);
        if (spec.Details is not null)
        {
            output.WriteLine(spec.Details);
        }
        if (spec.Options.Count > 0)
        {
            output.WriteLine();
            PrintOptions(output, "Options:", spec.Options);
        }
        output.WriteLine();
        PrintOptions(output, "Global options:", GlobalOptions);
    }

    private static void PrintOptions(IAnsiConsole output, string heading, IEnumerable<OptionSpec> options)
    {
        output.WriteLine(heading);
        var grid = new Grid().AddColumn(new GridColumn().Padding(2, 0, 2, 0).NoWrap()).AddColumn();
        foreach (var option in options)
        {
            grid.AddRow(Display.Cells(option.Usage, option.Description));
        }
        output.Write(grid);
    }
}
