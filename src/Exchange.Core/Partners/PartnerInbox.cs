using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf;

namespace Exchange.Core.Partners;

/// <summary>
/// What this node does with messages a partner administration delivers:
/// - a shared declaration is recorded under <c>filers/partner-{code}</c> (one copy per source
///   declaration, kept at the source's latest revision) and assessed here like any other;
/// - a returned decision is recorded on the declaration this node shared, as a
///   PARTNER_DECISION_RECEIVED event the filer sees on its watch stream.
/// Each message takes effect at most once: its id is the idempotency key of the write it causes
/// (same transaction), and a message older than what the copy already reflects changes nothing.
/// </summary>
public sealed class PartnerInbox(
    IDeclarationStore store, IEventSignal signal, TimeProvider clock, PartnerAgreements agreements, ExchangeRates rates,
    KnownShipperRegistry knownShippers, WorkPulse? accepted = null)
{
    public const int MaxMessagesPerDelivery = 500;

    private readonly DeclarationChanges _changes = new(store, signal, clock);

    /// <summary>
    /// Applies the messages in order. A message that cannot take effect is answered REJECTED with
    /// its refusal; a store failure propagates (nothing after it was applied, and the sender
    /// retries the whole delivery, whose applied part then comes back DUPLICATE).
    /// </summary>
    public async Task<IReadOnlyList<InboxOutcome>> DeliverAsync(
        PartnerIdentity partner, DeliverMessagesRequest request, CancellationToken cancellationToken)
    {
        var agreement = agreements.Find(partner.CountryCode)
            ?? throw new AgreementNotPermittedException(partner.Name, "any exchange: it is not a partner of this node");
        if (request.Messages.Count is 0 or > MaxMessagesPerDelivery)
        {
            throw new ValidationFailedException([new FieldViolation("messages", $"Send 1 to {MaxMessagesPerDelivery} messages.")]);
        }
        var outcomes = new List<InboxOutcome>(request.Messages.Count);
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            try
            {
                outcomes.Add(new InboxOutcome(message.MessageId, await ApplyAsync(agreement, partner, message, $"messages[{i}]", cancellationToken), null));
            }
            catch (ExchangeException refusal)
            {
                outcomes.Add(new InboxOutcome(message.MessageId, DeliveryOutcome.Rejected, refusal));
            }
        }
        if (outcomes.Any(o => o.Outcome == DeliveryOutcome.Applied))
        {
            accepted?.Raise(); // a shared declaration waits for the assessor
        }
        return outcomes;
    }

    /// <summary>
    /// The partner's question under mutual recognition: the trader's active enrolments in this
    /// administration's own programmes (what it recognises of third administrations is theirs to tell).
    /// </summary>
    public async Task<LookupKnownShipperStatusResponse> LookupKnownShipperAsync(
        PartnerIdentity partner, LookupKnownShipperStatusRequest request, CancellationToken cancellationToken)
    {
        RequireReceiving(partner, MessageKind.KnownShipperLookups, "known-shipper look-ups");
        var found = await knownShippers.LookupAsync(
            new Contracts.Enforcement.V1.LookupKnownShipperRequest { TraderIdentifier = request.TraderIdentifier, Time = request.Time },
            cancellationToken);
        var response = new LookupKnownShipperStatusResponse();
        foreach (var enrolment in found.Enrolments)
        {
            var programmeName = enrolment.Name[..enrolment.Name.IndexOf("/enrolments/", StringComparison.Ordinal)];
            var programme = await knownShippers.GetProgrammeAsync(programmeName, cancellationToken);
            if (programme.Own)
            {
                response.Statuses.Add(new KnownShipperStatus
                {
                    Programme = programme.Name,
                    ProgrammeDisplayName = programme.DisplayName,
                    ProgrammeType = programme.Type,
                    Enrolment = enrolment.Name,
                    ValidFrom = enrolment.ValidFrom,
                    ValidUntil = enrolment.ValidUntil,
                });
            }
        }
        response.KnownShipper = response.Statuses.Count > 0;
        return response;
    }

    /// <summary>The id of this node's copy of a partner's declaration: derived from the source's name, so every message about it finds it.</summary>
    public static DeclarationKey CopyKey(PartnerIdentity partner, string sourceDeclaration) =>
        new(partner.SharingFilerId, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceDeclaration)), 0, 16));

    private void RequireReceiving(PartnerIdentity partner, MessageKind kind, string what)
    {
        var agreement = agreements.Find(partner.CountryCode)
            ?? throw new AgreementNotPermittedException(partner.Name, "any exchange: it is not a partner of this node");
        if (!agreement.Receive.Contains(kind))
        {
            throw new AgreementNotPermittedException(partner.Name, what + " from it");
        }
    }

    private async Task<DeliveryOutcome> ApplyAsync(
        PartnerAgreement agreement, PartnerIdentity partner, PartnerMessage message, string path, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        CheckMessageId(message.MessageId, path + ".message_id", violations);
        if (message.CreateTime is null || !Timestamps.TryFromProto(message.CreateTime, out _))
        {
            violations.Add(new FieldViolation(path + ".create_time", "Required: a valid timestamp."));
        }
        switch (message.ContentCase)
        {
            case PartnerMessage.ContentOneofCase.SharedDeclaration:
                if (!agreement.Receive.Contains(MessageKind.Declarations))
                {
                    throw new AgreementNotPermittedException(partner.Name, "declarations from it");
                }
                var source = CheckShared(message.SharedDeclaration, path + ".shared_declaration", violations);
                RequestChecks.ThrowIfAny(violations);
                return await ApplySharedAsync(partner, message, source!, cancellationToken);
            case PartnerMessage.ContentOneofCase.ReturnedDecision:
                if (!agreement.Receive.Contains(MessageKind.Decisions))
                {
                    throw new AgreementNotPermittedException(partner.Name, "decisions from it");
                }
                var key = CheckDecision(message.ReturnedDecision, path + ".returned_decision", violations);
                RequestChecks.ThrowIfAny(violations);
                return await ApplyDecisionAsync(partner, message, key!, cancellationToken);
            default:
                violations.Add(new FieldViolation(path, "Carries no content: set shared_declaration or returned_decision."));
                RequestChecks.ThrowIfAny(violations);
                return DeliveryOutcome.Rejected;
        }
    }

    private async Task<DeliveryOutcome> ApplySharedAsync(
        PartnerIdentity partner, PartnerMessage message, DeclarationKey source, CancellationToken cancellationToken)
    {
        var shared = message.SharedDeclaration.Declaration;
        var key = CopyKey(partner, shared.Name);
        var requestId = RequestIdOf(partner, message);
        var hash = SHA256.HashData(message.ToByteArray());
        if (await DeliveredBeforeAsync(key.FilerId, requestId, hash, cancellationToken))
        {
            return DeliveryOutcome.Duplicate;
        }
        var current = await store.GetAsync(key, cancellationToken);
        if (current is null)
        {
            if (shared.Status == DeclarationStatus.Cancelled)
            {
                return DeliveryOutcome.Duplicate; // cancelled before it ever reached us: nothing to record
            }
            var outcome = await store.InsertAsync(FirstCopy(partner, message, key, requestId, hash), cancellationToken);
            _changes.Conclude(key.FilerId, outcome, key.Name);
            return outcome.Kind == WriteOutcomeKind.Written ? DeliveryOutcome.Applied : DeliveryOutcome.Duplicate;
        }
        if (current.SharingOrigin?.SourceRevision >= shared.Revision)
        {
            return DeliveryOutcome.Duplicate;
        }
        var actor = partner.Name;
        try
        {
            await _changes.ApplyAsync(key, requestId, hash, etag: null, actor, latest =>
            {
                if (latest.SharingOrigin?.SourceRevision >= shared.Revision)
                {
                    throw new SupersededMessage();
                }
                return ValueTask.FromResult(shared.Status == DeclarationStatus.Cancelled
                    ? Cancellation(latest, partner, message)
                    : Amendment(latest, partner, message));
            }, cancellationToken);
            return DeliveryOutcome.Applied;
        }
        catch (SupersededMessage)
        {
            return DeliveryOutcome.Duplicate;
        }
    }

    private DeclarationWrite FirstCopy(PartnerIdentity partner, PartnerMessage message, DeclarationKey key, string requestId, byte[] hash)
    {
        var now = Timestamps.Now(clock);
        var copy = DeclarationChanges.FirstRecord(
            DeclarationContent.FilerSupplied(message.SharedDeclaration.Declaration), key, MovementReferenceNumber.Issue(agreements.OwnCode, now), now);
        copy.SharingOrigin = OriginOf(partner, message);
        var @event = DeclarationChanges.EventFor(copy, DeclarationEventType.Accepted, "Shared by " + partner.Name, partner.Name);
        var facts = new DeclarationFacts(ConsigneeKeys.Of(copy.Consignee), IntrinsicValue.InBaseCents(copy, rates), null, []);
        return new DeclarationWrite(key, copy, @event, requestId, hash, Facts: facts);
    }

    private Change Amendment(Declaration current, PartnerIdentity partner, PartnerMessage message)
    {
        if (!DeclarationStatuses.CanAmend(current.Status) || Lifecycles.HasArrived(current))
        {
            throw new PartnerMessageRejectedException(
                $"The amendment of revision {message.SharedDeclaration.Declaration.Revision} arrived after this administration decided ({current.Status}).");
        }
        var amended = DeclarationContent.Amended(current, DeclarationContent.FilerSupplied(message.SharedDeclaration.Declaration));
        amended.SharingOrigin = OriginOf(partner, message);
        var facts = new DeclarationFacts(ConsigneeKeys.Of(amended.Consignee), IntrinsicValue.InBaseCents(amended, rates), null, []);
        return new Change(amended, DeclarationEventType.Amended, "Amended by " + partner.Name, facts);
    }

    private Change Cancellation(Declaration current, PartnerIdentity partner, PartnerMessage message)
    {
        if (!Lifecycles.CanInvalidate(current) || Lifecycles.HasArrived(current))
        {
            throw new PartnerMessageRejectedException(
                $"The cancellation arrived after this administration decided ({current.Status}).");
        }
        var cancelled = current.Clone();
        cancelled.Status = DeclarationStatus.Cancelled;
        Decisions.CloseReferrals(cancelled);
        cancelled.SharingOrigin = OriginOf(partner, message);
        return new Change(cancelled, DeclarationEventType.Cancelled, "Cancelled at " + partner.Name);
    }

    private async Task<DeliveryOutcome> ApplyDecisionAsync(
        PartnerIdentity partner, PartnerMessage message, DeclarationKey key, CancellationToken cancellationToken)
    {
        var returned = message.ReturnedDecision;
        var requestId = RequestIdOf(partner, message);
        var hash = SHA256.HashData(message.ToByteArray());
        if (await DeliveredBeforeAsync(key.FilerId, requestId, hash, cancellationToken))
        {
            return DeliveryOutcome.Duplicate;
        }
        try
        {
            await _changes.ApplyAsync(key, requestId, hash, etag: null, partner.Name, current =>
            {
                // A partner may only answer for what was shared with it (bound for it, under an
                // agreement that sends it declarations): anything else does not exist for it.
                if (current.Transport?.DestinationCountryCode != partner.CountryCode
                    || agreements.SendingTo(partner.CountryCode, MessageKind.Declarations) is null)
                {
                    throw new DeclarationNotFoundException(returned.SourceDeclaration);
                }
                var next = current.Clone();
                var previous = next.PartnerDecisions.FirstOrDefault(d => d.Administration == partner.Name);
                if (previous?.Revision >= returned.Revision)
                {
                    throw new SupersededMessage();
                }
                var decision = new PartnerDecision
                {
                    Administration = partner.Name,
                    CustomsReference = returned.CustomsReference,
                    Status = returned.Status,
                    Decision = returned.Decision.Clone(),
                    Revision = returned.Revision,
                    Findings = { returned.Findings },
                    ReceiveTime = Timestamps.ToProto(Timestamps.Now(clock)),
                };
                decision.Decision.DecidedBy = "";
                if (previous is not null)
                {
                    next.PartnerDecisions.Remove(previous);
                }
                next.PartnerDecisions.Add(decision);
                return ValueTask.FromResult(new Change(
                    next, DeclarationEventType.PartnerDecisionReceived, $"{partner.Name} decided {returned.Decision.Outcome}", PartnerDecision: decision));
            }, cancellationToken);
            return DeliveryOutcome.Applied;
        }
        catch (SupersededMessage)
        {
            return DeliveryOutcome.Duplicate;
        }
    }

    private SharingOrigin OriginOf(PartnerIdentity partner, PartnerMessage message) => new()
    {
        Administration = partner.Name,
        SourceDeclaration = message.SharedDeclaration.Declaration.Name,
        SourceRevision = message.SharedDeclaration.Declaration.Revision,
        SourceCustomsReference = message.SharedDeclaration.Declaration.CustomsReference,
        WithheldFields = { message.SharedDeclaration.WithheldFields },
        ReceiveTime = Timestamps.ToProto(Timestamps.Now(clock)),
    };

    /// <summary>Whether this very message took effect before; the same id with other content is refused.</summary>
    private async Task<bool> DeliveredBeforeAsync(string filerId, string requestId, byte[] hash, CancellationToken cancellationToken) =>
        await store.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken) is { } earlier
        && (earlier.AnswerTo(hash).Kind == WriteOutcomeKind.Replayed ? true : throw new RequestIdReusedException("message_id"));

    /// <summary>The idempotency key of a partner's message: namespaced, so it never meets a filer's UUID request ids.</summary>
    private static string RequestIdOf(PartnerIdentity partner, PartnerMessage message) => $"partner:{partner.CountryCode}:{message.MessageId}";

    private static void CheckMessageId(string id, string field, List<FieldViolation> violations)
    {
        if (id.Length is 0 or > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            violations.Add(new FieldViolation(field, "Required: 1 to 100 letters, digits, '-', '_', '.' or ':'."));
        }
    }

    private DeclarationKey? CheckShared(SharedDeclaration shared, string path, List<FieldViolation> violations)
    {
        if (shared.Declaration is not { } declaration)
        {
            violations.Add(new FieldViolation(path + ".declaration", "Required."));
            return null;
        }
        var key = RequestChecks.ReadAnyDeclarationName(declaration.Name, path + ".declaration.name", violations);
        if (declaration.Revision <= 0)
        {
            violations.Add(new FieldViolation(path + ".declaration.revision", "Required: the revision at the sender, 1 or more."));
        }
        if (!Enum.IsDefined(declaration.Status) || declaration.Status == DeclarationStatus.Unspecified)
        {
            violations.Add(new FieldViolation(path + ".declaration.status", "Required: the status at the sender."));
        }
        if (declaration.Transport?.DestinationCountryCode != agreements.OwnCode)
        {
            violations.Add(new FieldViolation(path + ".declaration.transport.destination_country_code",
                $"Must be this administration ({agreements.OwnCode}): only declarations bound here are shared here."));
        }
        RequestChecks.CheckSize(declaration, path + ".declaration", violations);
        return key;
    }

    private static DeclarationKey? CheckDecision(ReturnedDecision returned, string path, List<FieldViolation> violations)
    {
        var key = RequestChecks.ReadAnyDeclarationName(returned.SourceDeclaration, path + ".source_declaration", violations);
        if (key is not null && PartnerIdentity.IsReservedFilerId(key.FilerId))
        {
            violations.Add(new FieldViolation(path + ".source_declaration", "Names a copy of a partner's declaration, not one filed here."));
        }
        if (returned.Decision is null || returned.Decision.Outcome == DecisionOutcome.Unspecified || !Enum.IsDefined(returned.Decision.Outcome))
        {
            violations.Add(new FieldViolation(path + ".decision.outcome", "Required: a DecisionOutcome value."));
        }
        if (returned.Status == DeclarationStatus.Unspecified || !Enum.IsDefined(returned.Status))
        {
            violations.Add(new FieldViolation(path + ".status", "Required: a DeclarationStatus value."));
        }
        if (returned.Revision <= 0)
        {
            violations.Add(new FieldViolation(path + ".revision", "Required: 1 or more."));
        }
        RequestChecks.CheckText(returned.CustomsReference, 1, 70, path + ".customs_reference", violations);
        return key;
    }

    /// <summary>The copy already reflects this message or a later one: nothing to do.</summary>
    private sealed class SupersededMessage : Exception;
}

/// <summary>What became of one delivered message: its outcome and, when rejected, the refusal.</summary>
public sealed record InboxOutcome(string MessageId, DeliveryOutcome Outcome, ExchangeException? Refusal);
