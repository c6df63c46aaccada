using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Google.Protobuf;

namespace Exchange.Core.Partners;

/// <summary>
/// The one rule of what a change shares with partner administrations, under their agreements:
/// - a declaration filed here whose destination is a partner is shared with it when it is
///   accepted, amended or cancelled (its pre-arrival data), without the fields the agreement
///   withholds and without this administration's own enforcement output;
/// - a declaration a partner shared with this node sends its decisions (with the risk findings
///   behind an automatic one) back to that partner.
/// Each message becomes an outbox entry of the change's own write.
/// </summary>
public sealed class PartnerSharing(PartnerAgreements agreements)
{
    public IReadOnlyList<OutboxEntry> EntriesFor(DeclarationWrite write)
    {
        var declaration = write.Declaration;
        // A write may record several steps (accepted and decided at once): each may share.
        if (PartnerIdentity.IsReservedFilerId(write.Key.FilerId))
        {
            // A decision, or the release on arrival that follows an earlier one.
            return write.Events.Any(e => e.Type is DeclarationEventType.Decided or DeclarationEventType.StatusChanged)
                && declaration.SharingOrigin is { } origin
                && agreements.SendingTo(origin.Administration[PartnerIdentity.Prefix.Length..], MessageKind.Decisions) is { } partner
                    ? [Entry(partner, write.Key.Name, MessageKind.Decisions, DecisionOf(declaration, origin, write.Facts), declaration.UpdateTime)]
                    : [];
        }
        if (write.Events.Any(e => e.Type is DeclarationEventType.Accepted or DeclarationEventType.Amended or DeclarationEventType.Cancelled)
            && declaration.Transport?.DestinationCountryCode is { Length: 2 } destination
            && agreements.SendingTo(destination, MessageKind.Declarations) is { } destinationPartner)
        {
            return [Entry(destinationPartner, write.Key.Name, MessageKind.Declarations, SharedCopy(declaration, destinationPartner), declaration.UpdateTime)];
        }
        return [];
    }

    /// <summary>What the partner may see of the declaration: its filed content and identity, minus the withheld fields.</summary>
    private static PartnerMessage SharedCopy(Declaration declaration, PartnerAgreement partner)
    {
        var copy = declaration.Clone();
        copy.Decision = null;
        copy.Referrals.Clear();
        copy.AgencyHolds.Clear();
        copy.AgencyRequests.Clear(); // an agency's questions and the filer's answers are this administration's
        copy.DutyEstimate = null;
        copy.DutyAssessment = null; // this administration's debt, as the estimate is its own
        copy.PartnerDecisions.Clear();
        // Both lifecycles are this administration's view (a REFERRED assessment tells of a referral).
        copy.SecurityAssessment = null;
        copy.Clearance = null;
        foreach (var path in partner.WithheldFields)
        {
            DeclarationPaths.Clear(copy, path);
        }
        return new PartnerMessage
        {
            SharedDeclaration = new SharedDeclaration { Declaration = copy, WithheldFields = { partner.WithheldFields } },
        };
    }

    private static PartnerMessage DecisionOf(Declaration declaration, SharingOrigin origin, DeclarationFacts? facts)
    {
        var decision = new ReturnedDecision
        {
            SourceDeclaration = origin.SourceDeclaration,
            CustomsReference = declaration.CustomsReference,
            Status = declaration.Status,
            Decision = declaration.Decision?.Clone() ?? new Decision(),
            Revision = declaration.Revision,
        };
        decision.Decision.DecidedBy = "";
        // An automatic decision's write carries the assessment it followed; an officer's does not.
        if (facts?.Assessment is { } assessment && assessment.DeclarationRevision == declaration.Revision - 1)
        {
            decision.Findings.AddRange(assessment.Hits.Select(hit => new PartnerFinding
            {
                RuleId = hit.RuleId,
                Reason = hit.Reason,
                FieldPaths = { hit.FieldPaths },
            }));
        }
        return new PartnerMessage { ReturnedDecision = decision };
    }

    private static OutboxEntry Entry(
        PartnerAgreement partner, string declarationName, MessageKind kind, PartnerMessage message, Google.Protobuf.WellKnownTypes.Timestamp? time)
    {
        var createTime = time ?? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        message.MessageId = Guid.CreateVersion7(createTime.ToDateTimeOffset()).ToString("D");
        message.CreateTime = createTime;
        return new OutboxEntry(message.MessageId, partner.Code, declarationName, kind, message.ToByteArray(), createTime.ToDateTimeOffset());
    }
}
