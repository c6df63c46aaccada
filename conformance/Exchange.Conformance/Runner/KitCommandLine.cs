using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.Conformance.Runner;

/// <summary>
/// The kit's command line as a System.CommandLine tree: the options and their help text. The
/// parser and the help are generated from it; <see cref="Read"/> turns a parse into what to run.
/// </summary>
public static partial class KitCommandLine
{
    public const string Name = "exchange-conformance";

    public static readonly Option<string> Target = new("--target")
    {
        HelpName = "HOST:PORT",
        Description = "The node (or a full URL: http://... for h2c, https://... for TLS).",
    };

    public static readonly Option<bool> Plaintext = new("--plaintext") { Description = "HTTP/2 without TLS (h2c). The default." };

    public static readonly Option<bool> Tls = new("--tls") { Description = "HTTP/2 over TLS, the server's certificate checked by the system's trust store." };

    public static readonly Option<string> Filer = new("--filer")
    {
        HelpName = "ID",
        Description = "The filer to call as.",
        DefaultValueFactory = _ => KitOptions.DefaultFiler,
    };

    public static readonly Option<string> OtherFiler = new("--other-filer")
    {
        HelpName = "ID",
        Description = "A second filer, for the isolation checks.",
        DefaultValueFactory = _ => KitOptions.DefaultOtherFiler,
    };

    public static readonly Option<string> IdentityHeader = new("--identity-header")
    {
        HelpName = "NAME",
        Description = "The metadata header carrying the filer id.",
        DefaultValueFactory = _ => KitOptions.DefaultIdentityHeader,
    };

    public static readonly Option<string> Officer = new("--officer")
    {
        HelpName = "ID",
        Description = "The customs officer to call EnforcementService as (the disposition checks).",
        DefaultValueFactory = _ => KitOptions.DefaultOfficer,
    };

    public static readonly Option<string> OfficerHeader = new("--officer-header")
    {
        HelpName = "NAME",
        Description = "The metadata header carrying the officer id.",
        DefaultValueFactory = _ => KitOptions.DefaultOfficerHeader,
    };

    public static readonly Option<string[]> Only = new("--only")
    {
        HelpName = "PREFIX",
        Description = "Run only checks whose id starts with PREFIX (repeatable, or comma-separated).",
    };

    public static readonly Option<string> TimeoutSeconds = new("--timeout-seconds")
    {
        HelpName = "N",
        Description = $"Deadline of every call (default {KitOptions.DefaultCallTimeout.TotalSeconds:0}); a check gets 4 times that in all.",
    };

    public static readonly Option<bool> List = new("--list") { Description = "Print the check ids and titles, run nothing." };

    /// <summary>Hidden: named so its use is refused with the reason, not as an unknown option.</summary>
    public static readonly Option<string> ClientCertificate = new("--client-cert") { Hidden = true };

    public const string Details =
        "Exit codes: 0 every check passed, 1 some check failed, 2 usage error or target unreachable.\n"
        + "Mutual TLS (--client-cert) is not implemented yet.";

    /// <summary>The root command. Its action is the caller's: the kit runs, lists or prints help from the parse.</summary>
    /// <summary>
    /// The tree, built once: its options are the static fields above, and an option belongs to
    /// one tree. A Command named after the tool rather than a RootCommand, whose name would be the
    /// host process's (testhost in the tests); no version option, no directives.
    /// </summary>
    public static Command Tree { get; } = new(Name,
        "Checks that the node at HOST:PORT implements the exchange.declaration.v1 contract.\n"
        + $"  {Name} --target HOST:PORT [options]\n"
        + $"  {Name} --list [--only PREFIX]")
    {
        Target, Plaintext, Tls, Filer, OtherFiler, IdentityHeader, Officer, OfficerHeader, Only, TimeoutSeconds, List, ClientCertificate,
        new HelpOption { Action = new HelpWithDetails() },
    };

    /// <summary>How the kit parses: no response files (an '@' argument is not a list of more arguments).</summary>
    public static ParserConfiguration Configuration { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses <paramref name="args"/> into what the kit should do, or the one-line usage error.</summary>
    public static KitRequest Read(IReadOnlyList<string> args)
    {
        var parsed = Tree.Parse(args, Configuration);
        var only = (parsed.GetValue(Only) ?? [])
            .SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        if (parsed.Action is HelpWithDetails)
        {
            return new KitRequest(null, only, List: false, Help: true, Error: null, parsed);
        }
        if (parsed.Errors.Count > 0)
        {
            return new KitRequest(null, only, false, false, parsed.Errors[0].Message, parsed);
        }
        if (parsed.GetResult(ClientCertificate) is not null)
        {
            return new KitRequest(null, only, false, false, "--client-cert is not implemented yet: this version of the kit identifies filers by header only.", parsed);
        }
        if (parsed.GetValue(List))
        {
            return new KitRequest(null, only, List: true, Help: false, Error: null, parsed);
        }

        var target = parsed.GetValue(Target);
        var (tls, plaintext) = (parsed.GetValue(Tls), parsed.GetValue(Plaintext));
        var filer = parsed.GetValue(Filer)!;
        var otherFiler = parsed.GetValue(OtherFiler)!;
        var header = parsed.GetValue(IdentityHeader)!;
        var officer = parsed.GetValue(Officer)!;
        var officerHeader = parsed.GetValue(OfficerHeader)!;
        var problem = target is null ? "--target is required, e.g. --target 127.0.0.1:5080."
            : tls && plaintext ? "Give --tls or --plaintext, not both."
            : string.IsNullOrWhiteSpace(filer) || string.IsNullOrWhiteSpace(otherFiler) ? "--filer and --other-filer must not be empty."
            : filer == otherFiler ? "--filer and --other-filer must name two different filers."
            : string.IsNullOrWhiteSpace(officer) ? "--officer must not be empty."
            : !IsMetadataKey(header) ? $"--identity-header '{header}' is not a valid ASCII metadata key (lower-case letters, digits, '-', '_', '.')."
            : !IsMetadataKey(officerHeader) ? $"--officer-header '{officerHeader}' is not a valid ASCII metadata key (lower-case letters, digits, '-', '_', '.')."
            : header == officerHeader ? "--identity-header and --officer-header must be two different headers."
            : null;
        var timeout = KitOptions.DefaultCallTimeout;
        if (problem is null && parsed.GetValue(TimeoutSeconds) is { } seconds)
        {
            problem = int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 3600
                ? null
                : $"--timeout-seconds must be a whole number of seconds from 1 to 3600; got '{seconds}'.";
            timeout = problem is null ? TimeSpan.FromSeconds(n) : timeout;
        }
        var address = problem is null ? ToAddress(target!, tls, plaintext, out problem) : null;
        if (address is null)
        {
            return new KitRequest(null, only, false, false, problem, parsed);
        }
        var options = new KitOptions
        {
            Target = address,
            Filer = filer,
            OtherFiler = otherFiler,
            IdentityHeader = header,
            Officer = officer,
            OfficerHeader = officerHeader,
            CallTimeout = timeout,
            Only = only,
        };
        return new KitRequest(options, only, false, false, null, parsed);
    }

    /// <summary>host:port becomes http://host:port (or https:// with --tls); a full http(s) URL is taken as it is.</summary>
    private static Uri? ToAddress(string target, bool tls, bool plaintext, out string? problem)
    {
        problem = null;
        if (target.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                problem = $"--target '{target}' is not an http:// or https:// URL.";
                return null;
            }
            if ((url.Scheme == "https" && plaintext) || (url.Scheme == "http" && tls))
            {
                problem = $"--target '{target}' contradicts {(tls ? "--tls" : "--plaintext")}.";
                return null;
            }
            return url;
        }
        var scheme = tls ? "https" : "http";
        if (!HostAndPort().IsMatch(target)
            || !Uri.TryCreate($"{scheme}://{target}", UriKind.Absolute, out var address) || address.AbsolutePath != "/")
        {
            problem = $"--target '{target}' is not HOST:PORT, e.g. 127.0.0.1:5080.";
            return null;
        }
        return address;
    }

    /// <summary>An ASCII metadata key: lower-case, and not ending in -bin (the suffix of binary values).</summary>
    private static bool IsMetadataKey(string name) => HeaderName().IsMatch(name) && !name.EndsWith("-bin", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    [GeneratedRegex(":[0-9]{1,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex HostAndPort();

    /// <summary>The generated help, then the exit codes and what is not implemented.</summary>
    private sealed class HelpWithDetails : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            new HelpAction { MaxWidth = Console.IsOutputRedirected ? 240 : Math.Max(80, Console.WindowWidth) }.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(Details);
            return ExitCodes.AllPassed;
        }
    }
}

/// <summary>What the command line asks for: options to run with, help, the list, or a usage error.</summary>
public sealed record KitRequest(KitOptions? Options, IReadOnlyList<string> Only, bool List, bool Help, string? Error, ParseResult Parsed);
