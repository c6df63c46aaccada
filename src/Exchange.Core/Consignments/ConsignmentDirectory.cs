using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Storage;

namespace Exchange.Core.Consignments;

/// <summary>
/// Where consignments are kept and found: in the registry store under their names, with a claim
/// per master transport document (kind <see cref="DocumentKind"/>) naming the consignment that
/// holds it. Shared by the consignment workflow and by the notices a house's change causes.
/// </summary>
public sealed class ConsignmentDirectory(IRegistryStore registry)
{
    public const string Kind = "consignment";
    public const string DocumentKind = "consignment-document";

    public ProtoRegistry<Consignment> Consignments { get; } = new(registry, Kind, Consignment.Parser);

    /// <summary>The open or arrived consignment of a master transport document, or null when none is filed.</summary>
    public async Task<Consignment?> FindByDocumentAsync(string document, CancellationToken cancellationToken)
    {
        if (await registry.GetAsync(DocumentKind, document, cancellationToken) is not { } claim)
        {
            return null;
        }
        var consignment = await Consignments.FindAsync(ClaimedName(claim), cancellationToken);
        return HoldsClaim(consignment, document) ? consignment : null;
    }

    /// <summary>The name a document's claim holds.</summary>
    public static string ClaimedName(RegistryRecord claim) => System.Text.Encoding.UTF8.GetString(claim.Payload);

    /// <summary>
    /// Whether the consignment a claim names really holds it: open or arrived, and of that document
    /// (a creation that lost its id to another, or was retried with other content, leaves a claim
    /// that names a consignment of another document).
    /// </summary>
    public static bool HoldsClaim(Consignment? consignment, string document) =>
        consignment is { State: ConsignmentState.Open or ConsignmentState.Arrived } && consignment.MasterTransportDocument == document;
}
