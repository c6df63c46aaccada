using Exchange.Core.Events;
using Exchange.Core.Storage;

namespace Exchange.Core.Partners;

/// <summary>
/// Puts on every write the outbox entries <see cref="PartnerSharing"/> says it causes, so the
/// store records a change and what it shares in one transaction, whichever path of change
/// (filer, bulk, assessor, officer, agency, partner) made it. Raises <paramref name="outboxPulse"/>
/// after a written write with entries so the delivery loop starts at once. Reads pass straight through.
/// </summary>
public sealed class SharingDeclarationStore(IDeclarationStore inner, PartnerSharing sharing, WorkPulse outboxPulse)
    : DelegatingDeclarationStore(inner)
{
    public override async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var shared = WithOutbox(write);
        return Pulse([shared], [await Inner.InsertAsync(shared, cancellationToken)])[0];
    }

    public override async Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var shared = writes.Select(WithOutbox).ToList();
        return Pulse(shared, await Inner.InsertManyAsync(shared, cancellationToken));
    }

    public override async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var shared = WithOutbox(write);
        return Pulse([shared], [await Inner.UpdateAsync(shared, cancellationToken)])[0];
    }

    public override async Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var shared = writes.Select(WithOutbox).ToList();
        return Pulse(shared, await Inner.UpdateManyAsync(shared, cancellationToken));
    }

    private DeclarationWrite WithOutbox(DeclarationWrite write)
    {
        var entries = sharing.EntriesFor(write);
        return entries.Count == 0 ? write : write with { Outbox = [.. write.Outbox ?? [], .. entries] };
    }

    /// <summary>Wakes the delivery loops when a written write put messages in the outbox (not on every write: they would query for nothing).</summary>
    private IReadOnlyList<WriteOutcome> Pulse(IReadOnlyList<DeclarationWrite> writes, IReadOnlyList<WriteOutcome> outcomes)
    {
        if (writes.Where((write, i) => write.Outbox is { Count: > 0 } && outcomes[i].Kind == WriteOutcomeKind.Written).Any())
        {
            outboxPulse.Raise();
        }
        return outcomes;
    }
}
