using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Exchange.Client.Commands;

namespace Exchange.Client.Cli;

/// <summary>
/// The client's command line as a System.CommandLine tree: every command, argument and option
/// with its help text, and nothing else. The parser, the usage and the help are all generated
/// from it, so they cannot disagree; what a command does is in its <see cref="ICommand"/>.
/// </summary>
public static class ClientCommandLine
{
    public const string Name = "exchange-client";

    /// <summary>The global option naming the node; every command takes it (a recursive option).</summary>
    public const string ServerOption = "--server";

    /// <summary>The global option naming the calling filer.</summary>
    public const string FilerOption = "--filer";

    /// <summary>The root command; <paramref name="run"/> is what each command's action calls.</summary>
    /// <param name="commands">Makes the command object for a name; tests pass their own (e.g. a watch with a short backoff).</param>
    /// <param name="run">Runs a command with what was parsed: the app connects, runs and maps failures to exit codes.</param>
    public static Command Build(Func<string, ICommand> commands, Func<ICommand, ParsedArguments, CancellationToken, Task<int>> run)
    {
        var details = new Dictionary<Command, string>();
        var helpOption = new HelpOption { Recursive = true, Action = new Help(details) };
        var root = new Command(Name, "Sample client of the Exchange, the cross-border e-commerce customs declaration service (gRPC).")
        {
            new Option<string>(ServerOption)
            {
                HelpName = "URL",
                Description = $"Node address (default {ExchangeChannel.DefaultAddress}, or ${ClientApp.ServerVariable}).",
                Recursive = true,
            },
            new Option<string>(FilerOption)
            {
                HelpName = "ID",
                Description = $"Your filer id, sent as the {CommandContext.FilerHeader} header (default {ClientApp.DefaultFiler}, or ${ClientApp.FilerVariable}).",
                Recursive = true,
            },
            helpOption,
        };
        details[root] = "Exit codes: 0 success; 1 failure (node unreachable, refused credentials, conflict, interrupted); "
            + "2 rejected input (wrong arguments, unreadable file, or a request the node refused as given).";

        void Add(Command command)
        {
            var handler = commands(command.Name);
            // The list of commands shows the summary; the command's own help adds the details.
            if (command.Description!.Split('\n', 2) is [var summary, var more])
            {
                command.Description = summary;
                details[command] = more;
            }
            command.SetAction((parsed, cancellationToken) => run(handler, new ParsedArguments(parsed), cancellationToken));
            root.Add(command);
        }

        Add(new Command("submit", Describe(
            "Validate and record one declaration read from a proto3 JSON file.",
            "Prints the status the node gave it (e.g. accepted and under assessment, or released), its name, customs "
            + "reference, revision and etag, or every field the server refused."))
        {
            File(),
            Text("--request-id", "UUID", "Idempotency key. Default: a new random UUID. Resend the same one to retry without creating a duplicate."),
        });
        Add(new Command("bulk-submit", Describe(
            "Submit many declarations: a JSON Lines file (one per line) or every *.json file of a directory.",
            "Each item's request id is derived from its content (a SHA-256 name-based UUID), so re-running the same "
            + "file is an idempotent retry: items already accepted are answered with their first result, not recorded "
            + "twice. A changed item gets a new id and is a new submission; to change an accepted declaration use "
            + "'amend'. On a terminal a progress bar shows the work; redirected, a progress line is written to the "
            + "error stream every few seconds."))
        {
            new Argument<string>("file.jsonl or directory") { Description = "JSON Lines, one declaration a line, or a directory of *.json files." },
            Text("--parallel", "N", "Streams to use at once, 1 to 64 (default 1)."),
        });
        Add(new Command("get", Describe(
            "Print one declaration as proto3 JSON.",
            "Accepts the full name filers/{filer}/declarations/{id} or just the id. The output can be edited and passed to 'amend'. "
            + "With --summary, prints where it stands instead: status, lifecycles, control result and, after a hold, its "
            + "disposition (legal basis, return item, appeal deadline, who the notices are for)."))
        {
            NameOrId(),
            Flag("--summary", "Print where the declaration stands, with its disposition, instead of JSON."),
        });
        Add(new Command("list", "List your declarations, newest first.")
        {
            Text("--status", "STATUS", "Only this status: ACCEPTED, UNDER_REVIEW, ASSESSED, RELEASED, HELD, REJECTED, CANCELLED, SEIZED, RETURNED_TO_SENDER, ABANDONED or DESTROYED."),
            Text("--reference", "REF", "Only declarations with this LRN, UCR, S10 identifier, waybill or customs reference."),
            Text("--since", "ISO8601", "Only declarations created at or after this time (UTC unless an offset is given)."),
            Text("--until", "ISO8601", "Only declarations created before this time."),
            Text("--page-size", "N", "Declarations per page, 1 to 1000 (server default 50)."),
            Text("--page-token", "TOKEN", "Continue a previous listing with the same filters."),
            Flag("--all", "Follow next_page_token until the last page."),
        });
        Add(new Command("amend", Describe(
            "Replace the content of a declaration with the one in a proto3 JSON file.",
            "Reads the declaration's current etag first and sends it with the amendment: if someone changed the "
            + "declaration in between, the server refuses with ETAG_MISMATCH instead of overwriting that change."))
        {
            NameOrId(),
            File(),
        });
        Add(new Command("cancel", Describe(
            "Cancel (invalidate) a declaration before its goods arrive.",
            "Reads the current etag first, so a declaration that changed meanwhile is not cancelled unseen (ETAG_MISMATCH)."))
        {
            NameOrId(),
            Text("--reason", "TEXT", "Required: why the declaration is cancelled, 1 to 512 characters."),
        });
        Add(new Command("arrive", Describe(
            "Notify the arrival of a declaration's goods (single filing: you are also the carrier).",
            "An ASSESSED declaration is released on arrival; otherwise release waits for what is pending. "
            + "After arrival the declaration can no longer be amended or cancelled."))
        {
            NameOrId(),
            Text("--time", "ISO8601", "When the goods arrived (UTC unless an offset is given); default now."),
            Text("--office", "CODE", "The customs office of arrival, e.g. NL000396."),
            Text("--conveyance", "REF", "The conveyance they arrived on, e.g. a flight number."),
        });
        Add(new Command("present", Describe(
            "Present a declaration's arrived goods to customs for control (single filing).",
            "For goods that arrived and were not released (held, or still being analysed): release then waits for "
            + "the officer's control result or decision. Presenting goods already presented shows them as they are. "
            + "The houses of a consignment are presented by its carrier (consignment-present)."))
        {
            NameOrId(),
        });
        Add(new Command("answer-agency", Describe(
            "Answer a partner government agency's request for information on one of your declarations.",
            "The agency (food, product safety, ...) holds the goods and asked through the node; 'get' shows its requests "
            + "(agencyRequests) and 'watch' prints AGENCY_REQUEST_OPENED when one arrives. The answer reaches the agency "
            + "and your watch stream (AGENCY_REQUEST_ANSWERED). A request answered or closed already is refused."))
        {
            NameOrId(),
            Text("--request", "N", "Required: the request's number on the declaration (the last part of its name), or its full name."),
            Text("--text", "TEXT", "Required: the answer, 1 to 2000 characters."),
            Text("--document", "TYPE:ID[:URI]", "A supporting document by reference, e.g. N935:INV-1:https://docs.example/INV-1.pdf."),
        });
        Add(new Command("assessment", Describe(
            "Show what a declaration owes: its duty assessment, each line with its legal source, and the payments.",
            "Made when the goods arrive. Shown to the declaration's filer and to the carrier of its master consignment. "
            + "Amounts are exact, to the cent."))
        {
            NameOrId(),
        });
        Add(new Command("pay", Describe(
            "Record a payment of duties and taxes against a declaration's assessment (you must be its payer).",
            "The amount is exact, in the assessment's currency, e.g. --amount \"EUR 18.07\"; at most two decimals and at most the "
            + "balance. A part payment is recorded as one. Paying the balance releases goods whose release waited for it. "
            + "Resend with the same --request-id to retry without paying twice."))
        {
            NameOrId(),
            Text("--amount", "\"CUR 0.00\"", "Required: the currency and amount paid, e.g. \"EUR 18.07\"."),
            Text("--reference", "REF", "Your reference of the payment (receipt or transaction number), 1 to 35 characters."),
            Text("--request-id", "UUID", "Idempotency key. Default: a new random UUID."),
        });
        Add(new Command("profiles", "List the node's data-set profiles (EU ICS2, EU H7, US Entry Type 86, UPU CN23, ...)."));
        Add(new Command("dataset", Describe(
            "Print a declaration as one profile's data set: each element, the field it came from, its value.",
            "Shows what the standard's data set would carry and what is missing or malformed for it, e.g. "
            + "'dataset EU-ICS2-HOUSE-POSTAL <id>'. 'profiles' lists the profile ids."))
        {
            new Argument<string>("profile") { Description = "The profile id, e.g. EU-ICS2-HOUSE-POSTAL." },
            NameOrId(),
        });
        Add(new Command("check-data", Describe(
            "Check a declaration file before filing it: the contract's rules and its profiles' data sets; nothing is stored.",
            "Without --profile, the profiles its destination and channel call for. Exit code 0 when complete, 2 with "
            + "every problem listed by field path when not."))
        {
            File(),
            Text("--profile", "IDS", "Check against these profiles instead, comma-separated, e.g. UPU-CN23,EU-H7."),
        });
        Add(new Command("consignment-create", Describe(
            "File a master consignment as its carrier (multiple filing: others file the houses).",
            "The file is a Consignment in proto3 JSON (see samples/consignment-air-master.json). Filing it again "
            + "with the same id and content answers alike. Houses name it by its masterTransportDocument."))
        {
            File("consignment"),
            Text("--id", "ID", "Required: your id for it, lower-case letters, digits and hyphens, e.g. mawb-176-12345675."),
        });
        Add(new Command("consignment-houses", Describe(
            "List the houses other parties filed under your consignment, with where each stands.",
            "Shows each house's waybill or S10 identifier and status, never its parties or goods."))
        {
            NameOrId("consignment"),
        });
        Add(new Command("consignment-arrive", Describe(
            "Notify the arrival of your consignment: its houses arrive, assessed ones are released.",
            "Prints the houses to present for control (ICS2 IE3N08 control notification)."))
        {
            NameOrId("consignment"),
            Text("--time", "ISO8601", "When it arrived (UTC unless an offset is given); default now."),
            Text("--office", "CODE", "The customs office of arrival, e.g. NL000396."),
        });
        Add(new Command("consignment-present", Describe(
            "Present houses of your arrived consignment to customs for control.",
            "Name each house by its house waybill or S10 item identifier, as consignment-arrive listed it to present. "
            + "Held houses are released only once presented, by the officer's control result or decision. Houses "
            + "presented already are left as they are. A reference to no house of the consignment, or to a house with "
            + "nothing to present (released, or in a final status), refuses the whole call and is named in the error."))
        {
            NameOrId("consignment"),
            new Argument<string[]>("house-ref") { Arity = ArgumentArity.OneOrMore, Description = "One or more houses, each by its house waybill or S10 item identifier." },
        });
        Add(new Command("consignment-watch", Describe(
            "Print the notices for your consignments' houses as they happen, until Ctrl+C.",
            "One line per notice under column headings: cursor, time, type (HOUSE_REFERRAL_OPENED, HOUSE_AMENDED, "
            + "HOUSE_INVALIDATED, HOUSE_CONTROL_REQUIRED, HOUSE_RELEASED, HOUSE_NOT_RELEASED), the house's waybill or S10 "
            + "identifier, its status and clearance, the consignment id and the kind of referral. Without --history or "
            + "--cursor, only new notices; the two together are refused. If the connection drops, the client reconnects "
            + "(backing off up to 30 s) and resumes after the last cursor printed."))
        {
            WatchHistory("notice"),
            WatchCursor("notice"),
            Text("--consignment", "NAME-OR-ID", "Only notices of this consignment."),
        });
        Add(new Command("watch", Describe(
            "Print declaration events as they happen, until Ctrl+C.",
            "One line per event under column headings: cursor, time, type, status, LRN, declaration, revision, reason. "
            + "Without --history or --cursor, only new events; the two together are refused. If the connection drops, "
            + "the client reconnects (backing off up to 30 s) and resumes after the last cursor printed."))
        {
            WatchHistory("event"),
            WatchCursor("event"),
            Text("--declaration", "NAME-OR-ID", "Only events of this declaration."),
        });

        var topic = new Argument<string>("command") { Arity = ArgumentArity.ZeroOrOne, Description = "The command to explain." };
        var help = new Command("help", "Show this text, or 'help <command>' for one command.") { topic };
        help.SetAction(parsed =>
        {
            // Help about a command is that command's own --help, so both always print the same text.
            var name = parsed.GetValue(topic);
            var target = root.Parse(name is null ? ["--help"] : [name, "--help"], Configuration);
            if (name is not null && target.CommandResult.Command.Name != name)
            {
                throw new UsageException($"Unknown command '{name}'.");
            }
            return target.Invoke(parsed.InvocationConfiguration);
        });
        root.Add(help);
        return root;
    }

    /// <summary>
    /// How the client parses: no response files (an argument starting with '@' is a file name,
    /// not a list of more arguments), as the hand-written parser before it did.
    /// </summary>
    public static ParserConfiguration Configuration { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>The options that watch commands share, with the same meaning (<see cref="ResumableWatch.StartFrom"/>).</summary>
    private static Option<bool> WatchHistory(string item) => Flag("--history", $"First replay every retained {item}, oldest first.");

    private static Option<string> WatchCursor(string item) =>
        Text("--cursor", "CURSOR", $"Resume after this {item}'s cursor (the first column of an earlier watch).");

    private static string Describe(string summary, string details) => $"{summary}\n{details}";

    private static Argument<string> File(string what = "declaration") =>
        new("file.json") { Description = $"A {what} in proto3 JSON (see samples/)." };

    private static Argument<string> NameOrId(string what = "declaration") =>
        new("name-or-id") { Description = $"The {what}'s full name, filers/{{filer}}/{what}s/{{id}}, or just its id." };

    // Values are read as text and checked by the command (ParsedArguments.Int, .Time), so every
    // wrong value is refused with the same kind of sentence, naming the option and what it takes.
    private static Option<string> Text(string name, string valueName, string description) =>
        new(name) { HelpName = valueName, Description = description };

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// The generated help, followed by the details of the command it is about: the list of
    /// commands shows each one's summary only, its own help page the whole story.
    /// </summary>
    public sealed class Help(IReadOnlyDictionary<Command, string> details) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            // Redirected (a file, a pipe, a test) there is no window to fit: lines are not broken.
            var width = Console.IsOutputRedirected ? 240 : Math.Max(80, Console.WindowWidth);
            new HelpAction { MaxWidth = width }.Invoke(parseResult);
            if (details.GetValueOrDefault(parseResult.CommandResult.Command) is { } more)
            {
                var output = parseResult.InvocationConfiguration.Output;
                foreach (var line in Wrap(more, width - 1))
                {
                    output.WriteLine(line);
                }
                output.WriteLine();
            }
            return ExitCodes.Success;
        }

        // Breaks at spaces only, as the generated part does; a word longer than the width stays whole.
        private static IEnumerable<string> Wrap(string text, int width)
        {
            var line = new System.Text.StringBuilder();
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString();
                    line.Clear();
                }
                line.Append(line.Length > 0 ? " " : "").Append(word);
            }
            if (line.Length > 0)
            {
                yield return line.ToString();
            }
        }
    }
}
