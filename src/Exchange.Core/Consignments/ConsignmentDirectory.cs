using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Storage;
using Exchange.Core.Validation;

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

    /// <summary>The name the document's claim holds, or null.</summary>
    public async Task<string?> ClaimHolderAsync(string document, CancellationToken cancellationToken) =>
        await registry.GetAsync(DocumentKind, document, cancellationToken) is { } claim ? ClaimedName(claim) : null;

    /// <summary>
    /// Makes <paramref name="name"/> the one open consignment of <paramref name="document"/>: a new
    /// claim, or the take-over (compare-and-set on its revision) of a claim whose consignment was
    /// invalidated or never written (a creation interrupted between claim and write).
    /// </summary>
    public async Task ClaimDocumentAsync(string document, string name, CancellationToken cancellationToken)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(name);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await registry.TryInsertAsync(new RegistryRecord(DocumentKind, document, 1, payload), cancellationToken))
            {
                return;
            }
            if (await registry.GetAsync(DocumentKind, document, cancellationToken) is not { } claim)
            {
                continue; // removed meanwhile: insert again
            }
            var holder = ClaimedName(claim);
            if (holder == name)
            {
                return;
            }
            if (HoldsClaim(await Consignments.FindAsync(holder, cancellationToken), document))
            {
                throw new MasterDocumentTakenException(document);
            }
            if (await registry.TryReplaceAsync(claim with { Revision = claim.Revision + 1, Payload = payload }, claim.Revision, cancellationToken))
            {
                return;
            }
        }
        throw new NodeUnavailableException($"The master transport document {Echo.Quote(document)} is being filed by others at this moment; retry.");
    }

    private static string ClaimedName(RegistryRecord claim) => System.Text.Encoding.UTF8.GetString(claim.Payload);

    /// <summary>
    /// Whether the consignment a claim names really holds it: open or arrived, and of that document
    /// (a creation that lost its id to another, or was retried with other content, leaves a claim
    /// that names a consignment of another document).
    /// </summary>
    private static bool HoldsClaim(Consignment? consignment, string document) =>
        consignment is { State: ConsignmentState.Open or ConsignmentState.Arrived } && consignment.MasterTransportDocument == document;
}
