using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Core.Declarations;

/// <summary>
/// The node's one rule on reused Local Reference Numbers: reuse is allowed (the request id, not the
/// LRN, makes a submission idempotent), but a filer that gives an LRN it used for another
/// declaration within <see cref="Window"/> is warned, since that is more often a mistake than a
/// choice. A unary submission reads once for its own LRN; a bulk batch reads once for all of its
/// LRNs (<see cref="IDeclarationStore.FindByLocalReferenceNumbersAsync"/>), after its one write.
/// </summary>
public static class LocalReferenceReuse
{
    public const string Code = "DUPLICATE_LOCAL_REFERENCE_NUMBER";

    /// <summary>How far back a reused LRN is warned about.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>The warning for <paramref name="recorded"/>, or none when its LRN is not reused within the window.</summary>
    public static async Task<IReadOnlyList<SubmissionWarning>> WarningsAsync(
        IDeclarationStore store, string filerId, Declaration recorded, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await WarningsAsync(store, filerId, [recorded], now, cancellationToken))[0];

    /// <summary>
    /// The warnings of each item of a bulk batch, in order: none for a refused item (null), and for
    /// an accepted one the warning when another declaration of the filer (of this batch or not)
    /// has its LRN within the window. One read for the whole batch.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<SubmissionWarning>>> WarningsAsync(
        IDeclarationStore store, string filerId, IReadOnlyList<Declaration?> recorded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lrns = recorded.OfType<Declaration>().Select(d => d.LocalReferenceNumber).ToList();
        var used = lrns.Count == 0
            ? new Dictionary<string, IReadOnlyList<string>>()
            : await store.FindByLocalReferenceNumbersAsync(filerId, lrns, now - Window, cancellationToken);
        return recorded.Select(IReadOnlyList<SubmissionWarning> (declaration) =>
                declaration is not null
                && used.GetValueOrDefault(declaration.LocalReferenceNumber)?.FirstOrDefault(name => name != declaration.Name) is { } other
                    ? [Warning(declaration.LocalReferenceNumber, other)]
                    : [])
            .ToList();
    }

    private static SubmissionWarning Warning(string lrn, string otherName) => new()
    {
        Code = Code,
        Field = "declaration.local_reference_number",
        Description = $"This filer used the LRN {lrn} for another declaration within the last {Window.Days} days "
            + $"({otherName}); accepted, but check that this is not a resubmission under a new request id.",
        OtherDeclaration = otherName,
    };
}
