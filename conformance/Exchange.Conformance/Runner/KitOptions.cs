using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.Conformance.Runner;

/// <summary>What to check and how to reach it.</summary>
public sealed record KitOptions
{
    public const string DefaultFiler = "conformance-a";
    public const string DefaultOtherFiler = "conformance-b";
    public const string DefaultIdentityHeader = "x-exchange-filer";
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The node, e.g. http://127.0.0.1:5080 (h2c) or https://node.example:443.</summary>
    public required Uri Target { get; init; }

    /// <summary>The target as people write it, without the URL's trailing slash.</summary>
    public string TargetText => Target.ToString().TrimEnd('/');

    /// <summary>The filer the kit calls as; it submits declarations under <c>filers/{Filer}</c>.</summary>
    public string Filer { get; init; } = DefaultFiler;

    /// <summary>A second filer, to prove the first one's declarations are out of its reach.</summary>
    public string OtherFiler { get; init; } = DefaultOtherFiler;

    /// <summary>The metadata header that names the calling filer (the contract's development scheme).</summary>
    public string IdentityHeader { get; init; } = DefaultIdentityHeader;

    /// <summary>The deadline of every call; a check as a whole gets <see cref="CheckTimeout"/>.</summary>
    public TimeSpan CallTimeout { get; init; } = DefaultCallTimeout;

    /// <summary>Run only the checks whose id starts with one of these; empty means all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>A check makes several calls and reads streams: it is given a few call deadlines, then reported as an error.</summary>
    public TimeSpan CheckTimeout => CallTimeout * 4;
}

/// <summary>The parsed command line: options to run with, or a request for help or the list, or a usage error.</summary>
internal sealed record CommandLine(KitOptions? Options, IReadOnlyList<string> Only, bool List, bool Help, string? Error)
{
    public const string Usage = """
        Usage: exchange-conformance --target HOST:PORT [options]
               exchange-conformance --list [--only PREFIX]

        Checks that the node at HOST:PORT implements the exchange.declaration.v1 contract.

          --target HOST:PORT        The node (or a full URL: http://... for h2c, https://... for TLS).
          --plaintext               HTTP/2 without TLS (h2c). The default.
          --tls                     HTTP/2 over TLS, the server's certificate checked by the system's trust store.
          --filer ID                The filer to call as (default conformance-a).
          --other-filer ID          A second filer, for the isolation checks (default conformance-b).
          --identity-header NAME    The metadata header carrying the filer id (default x-exchange-filer).
          --only PREFIX             Run only checks whose id starts with PREFIX (repeatable, or comma-separated).
          --timeout-seconds N       Deadline of every call (default 30); a check gets 4 times that in all.
          --list                    Print the check ids and titles, run nothing.
          --help                    Show this help.

        Exit codes: 0 every check passed, 1 some check failed, 2 usage error or target unreachable.
        Mutual TLS (--client-cert) is not implemented yet.
        """;

    private static readonly Regex HeaderName = new("^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant);

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? target = null;
        string filer = KitOptions.DefaultFiler, otherFiler = KitOptions.DefaultOtherFiler, header = KitOptions.DefaultIdentityHeader;
        var timeout = KitOptions.DefaultCallTimeout;
        var only = new List<string>();
        bool list = false, help = false, tls = false, plaintext = false;

        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{name} needs a value.");
                }
                return args[++i];
            }

            try
            {
                switch (name)
                {
                    case "--target": target = Value(); break;
                    case "--filer": filer = Value(); break;
                    case "--other-filer": otherFiler = Value(); break;
                    case "--identity-header": header = Value(); break;
                    case "--only": only.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                    case "--timeout-seconds": timeout = Seconds(Value()); break;
                    case "--plaintext": plaintext = true; break;
                    case "--tls": tls = true; break;
                    case "--list": list = true; break;
                    case "--help" or "-h": help = true; break;
                    case "--client-cert":
                        throw new UsageException("--client-cert is not implemented yet: this version of the kit identifies filers by header only.");
                    default:
                        throw new UsageException($"Unknown option '{args[i]}'.");
                }
            }
            catch (UsageException error)
            {
                return new CommandLine(null, only, list, help, error.Message);
            }
        }

        if (help || list)
        {
            return new CommandLine(null, only, list, help, null);
        }
        var problem = target is null ? "--target is required, e.g. --target 127.0.0.1:5080."
            : tls && plaintext ? "Give --tls or --plaintext, not both."
            : string.IsNullOrWhiteSpace(filer) || string.IsNullOrWhiteSpace(otherFiler) ? "--filer and --other-filer must not be empty."
            : filer == otherFiler ? "--filer and --other-filer must name two different filers."
            : !HeaderName.IsMatch(header) || header.EndsWith("-bin", StringComparison.Ordinal)
                ? $"--identity-header '{header}' is not a valid ASCII metadata key (lower-case letters, digits, '-', '_', '.')."
            : null;
        if (problem is not null)
        {
            return new CommandLine(null, only, list, help, problem);
        }
        var address = ToAddress(target!, tls, plaintext, out problem);
        if (address is null)
        {
            return new CommandLine(null, only, list, help, problem);
        }
        var options = new KitOptions
        {
            Target = address,
            Filer = filer,
            OtherFiler = otherFiler,
            IdentityHeader = header,
            CallTimeout = timeout,
            Only = only,
        };
        return new CommandLine(options, only, list, help, null);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static TimeSpan Seconds(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"--timeout-seconds must be a whole number of seconds from 1 to 3600; got '{value}'.");

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
        if (!Regex.IsMatch(target, @":[0-9]{1,5}$", RegexOptions.CultureInvariant)
            || !Uri.TryCreate($"{scheme}://{target}", UriKind.Absolute, out var address) || address.AbsolutePath != "/")
        {
            problem = $"--target '{target}' is not HOST:PORT, e.g. 127.0.0.1:5080.";
            return null;
        }
        return address;
    }

    private sealed class UsageException(string message) : Exception(message);
}
