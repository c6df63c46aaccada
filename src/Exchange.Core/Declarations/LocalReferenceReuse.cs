using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Core.Declarations;

/// <summary>
/// The node's one rule on reused Local Reference Numbers: reuse is allowed (the request id, not the
/// LRN, makes a submission idempotent), but a filer that gives an LRN it used for another
/// declaration within <see cref="Window"/> is warned, since that is more often a mistake than a
/// choice. A unary submission only: the bulk path stays one write per batch.
/// </summary>
public static class LocalReferenceReuse
{
    public const string Code = "DUPLICATE_LOCAL_REFERENCE_NUMBER";

    /// <summary>How far back a reused LRN is warned about.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>The warning for <paramref name="recorded"/>, or none when its LRN is not reused within the window.</summary>
    public static async Task<IReadOnlyList<SubmissionWarning>> WarningsAsync(
        IDeclarationStore store, string filerId, Declaration recorded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lrn = recorded.LocalReferenceNumber;
        // The reference filter also matches UCRs, S10 ids and waybills: a few rows at most.
        var candidates = await store.ListAsync(new DeclarationQuery(filerId, Limit: 20, CreatedAtOrAfter: now - Window, Reference: lrn), cancellationToken);
        var other = candidates.FirstOrDefault(d => d.Name != recorded.Name && d.LocalReferenceNumber == lrn);
        return other is null
            ? []
            : [new SubmissionWarning
            {
                Code = Code,
                Field = "declaration.local_reference_number",
                Description = $"This filer used the LRN {lrn} for another declaration within the last {Window.Days} days "
                    + $"({other.Name}); accepted, but check that this is not a resubmission under a new request id.",
                OtherDeclaration = other.Name,
            }];
    }
}
