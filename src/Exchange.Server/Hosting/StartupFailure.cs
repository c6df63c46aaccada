using System.Text.RegularExpressions;
using Exchange.Core.Configuration;
using Exchange.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Start-up failures an operator fixes in the settings (an unknown key, a bad value, a failed
/// validation, a port already taken, a PostgreSQL store that cannot be reached), told in one line on stderr: what, where, how to fix. A
/// stack trace there would only bury the line; any other failure keeps its trace in the log.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>The one-line report of <paramref name="error"/> if it is a settings problem; null otherwise.</summary>
    public static string? Describe(Exception error, IConfiguration configuration) => error switch
    {
        SettingsException settings => settings.Message,
        // PostgreSQL not listening, or refusing the credentials or database, at start-up.
        StoreUnreachableException unreachable => unreachable.Message,
        OptionsValidationException validation => $"Invalid settings: {string.Join(" ", validation.Failures)}",
        // A rule, tariff or exchange-rate file named by Exchange:Assessment:*File, or the profile directory.
        ConfigurationFileException file => $"{file.FileName} is not valid: {string.Join("; ", file.Problems)}. "
            + "Fix the file, or point its Exchange:Assessment setting (RiskRulesFile, TariffProfileFile, ExchangeRatesFile, DataSetProfilesDirectory) at a valid one.",
        AggregateException { InnerExceptions: [var only] } => Describe(only, configuration),
        IOException { InnerException: AddressInUseException } inUse => PortInUse(inUse, configuration),
        _ => null,
    };

    /// <summary>
    /// Refuses --urls (ASPNETCORE_URLS): the node listens on its two named Kestrel endpoints, which
    /// would silently win over it (and one URL list cannot say which port speaks HTTP/2 for gRPC).
    /// </summary>
    public static void RefuseUrls(IConfiguration configuration)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls && configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            throw new SettingsException(
                $"--urls / ASPNETCORE_URLS ({urls}) is not used by the node, whose endpoints are Kestrel:Endpoints:Grpc:Url (gRPC, HTTP/2) "
                + "and Kestrel:Endpoints:Http:Url (JSON, dashboard, OpenAPI, metrics; HTTP/1.1): set those instead, "
                + "e.g. --Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:6080 --Kestrel:Endpoints:Http:Url=http://127.0.0.1:6081.");
        }
    }

    /// <summary>
    /// Runs a registration step that refuses bad settings with an InvalidOperationException naming
    /// them (the convention of the Hosting registrations), turning that refusal into a settings problem.
    /// </summary>
    public static void AsSettingsProblem(Action step)
    {
        try
        {
            step();
        }
        catch (InvalidOperationException error)
        {
            throw new SettingsException(error.Message);
        }
    }

    private static string PortInUse(IOException error, IConfiguration configuration)
    {
        // Kestrel: "Failed to bind to address http://127.0.0.1:5080: address already in use."
        var address = BindAddress().Match(error.Message) is { Success: true } match ? match.Groups["address"].Value : "";
        var endpoint = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .FirstOrDefault(e => SameAddress(e["Url"], address));
        if (endpoint is null)
        {
            return $"Cannot listen on {address}: the address is already in use. Stop what listens there, or choose other ports "
                + "with Kestrel:Endpoints:Grpc:Url and Kestrel:Endpoints:Http:Url.";
        }
        var setting = $"Kestrel:Endpoints:{endpoint.Key}:Url";
        var port = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Port : 0;
        var other = uri is null ? "http://127.0.0.1:6080" : new UriBuilder(uri) { Port = port + 1000 > 65535 ? 6080 : port + 1000 }.Uri.ToString().TrimEnd('/');
        return $"Port {port} is already in use: {setting} is {endpoint["Url"]}. Stop what listens there, or choose another port, "
            + $"e.g. --{setting}={other} (environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}).";
    }

    private static bool SameAddress(string? configured, string bound) =>
        configured is not null && Uri.TryCreate(configured, UriKind.Absolute, out var a) && Uri.TryCreate(bound, UriKind.Absolute, out var b)
            && a.Port == b.Port && (a.Host == b.Host || a.Host is "localhost" or "*" or "+" or "0.0.0.0" or "[::]");

    [GeneratedRegex(@"address (?<address>\S+?): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BindAddress();
}
