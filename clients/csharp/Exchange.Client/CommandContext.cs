using System.Text.RegularExpressions;
using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client;

/// <summary>
/// What every command needs: the client, the calling filer, and where to write. Tests build one
/// around an in-memory client and a console that writes to a StringWriter.
/// </summary>
public sealed partial class CommandContext(
    CallInvoker invoker,
    string filer,
    IAnsiConsole console,
    IAnsiConsole? errors = null)
{
    /// <summary>Development authentication: the node trusts this header to name the calling filer.</summary>
    public const string FilerHeader = "x-exchange-filer";

    public DeclarationService.DeclarationServiceClient Client { get; } = new(invoker);

    /// <summary>The consignment service (beta), for the filer acting as carrier.</summary>
    public ConsignmentService.ConsignmentServiceClient Consignments { get; } = new(invoker);

    /// <summary>DataSetService: profiles and data sets (beta).</summary>
    public DataSetService.DataSetServiceClient DataSets { get; } = new(invoker);

    /// <summary>RevenueService: duty assessments and payments (beta).</summary>
    public RevenueService.RevenueServiceClient Revenue { get; } = new(invoker);

    public string Filer { get; } = filer;

    /// <summary>Results go here (standard output).</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>Errors go here (standard error), so piping a result never captures an error as data.</summary>
    public IAnsiConsole Errors { get; } = errors ?? console;

    /// <summary>The filer as a parent resource, <c>filers/{filer}</c>.</summary>
    public string Parent => $"filers/{Filer}";

    /// <summary>Per-call options: the filer header and the caller's cancellation (Ctrl+C).</summary>
    public CallOptions CallOptions(CancellationToken cancellationToken) =>
        new(headers: new Metadata { { FilerHeader, Filer } }, cancellationToken: cancellationToken);

    /// <summary>
    /// A declaration's full name from what the user typed: the full name
    /// <c>filers/{filer}/declarations/{id}</c> as is, or a bare id under this filer.
    /// </summary>
    public string DeclarationName(string nameOrId)
    {
        if (nameOrId.StartsWith("filers/", StringComparison.Ordinal))
        {
            return nameOrId;
        }
        if (!IdPattern().IsMatch(nameOrId))
        {
            throw new UsageException(
                $"'{nameOrId}' is neither a declaration id nor a name like filers/{{filer}}/declarations/{{id}}.");
        }
        return $"{Parent}/declarations/{nameOrId}";
    }

    /// <summary>A consignment's full name from what the user typed: the full name as is, or a bare id under this filer.</summary>
    public string ConsignmentName(string nameOrId)
    {
        if (nameOrId.StartsWith("filers/", StringComparison.Ordinal))
        {
            return nameOrId;
        }
        if (!IdPattern().IsMatch(nameOrId))
        {
            throw new UsageException(
                $"'{nameOrId}' is neither a consignment id nor a name like filers/{{filer}}/consignments/{{id}}.");
        }
        return $"{Parent}/consignments/{nameOrId}";
    }

    /// <summary>Resource ids of the contract (AIP-122): lower-case letters, digits and hyphens.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex IdPattern();
}
