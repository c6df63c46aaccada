using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Enforcement;

/// <summary>
/// The disposition of held goods (disposition.proto; docs/disposition.md), in one place: what a
/// request must carry (<see cref="Check"/>), from which state each type may be recorded
/// (<see cref="Apply"/>), the status it ends in (<see cref="StatusFor"/>), and the notices to the
/// consignee and the seller (<see cref="Notices"/>).
/// </summary>
/// <remarks>
/// The legal basis is the officer's citation: /work/shared/reference/standards.md, the project's
/// source on the standards, cites no provision on seizure, abandonment, destruction or appeal
/// periods, so the node keeps no list of provisions and claims none (the appeal period and where
/// to appeal are the administration's settings, <see cref="DispositionOptions"/>).
/// </remarks>
public static class Dispositions
{
    public const int MaxReasonLength = 512;
    public const int MaxCitationLength = 512;
    public const int MaxCodeLength = 35;

    /// <summary>A waybill (house transport document) as TransportDocument.house_waybill allows it.</summary>
    public const int MaxWaybillLength = 70;

    /// <summary>The status a disposition ends a declaration in.</summary>
    public static DeclarationStatus StatusFor(DispositionType type) => type switch
    {
        DispositionType.Seized => DeclarationStatus.Seized,
        DispositionType.Abandoned => DeclarationStatus.Abandoned,
        DispositionType.Destroyed => DeclarationStatus.Destroyed,
        DispositionType.ReturnedToSender => DeclarationStatus.ReturnedToSender,
        DispositionType.Invalidated => DeclarationStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a disposition type."),
    };

    /// <summary>The type as the contract spells it, e.g. "SEIZED".</summary>
    public static string Label(DispositionType type) => type switch
    {
        DispositionType.Seized => "SEIZED",
        DispositionType.Abandoned => "ABANDONED",
        DispositionType.Destroyed => "DESTROYED",
        DispositionType.ReturnedToSender => "RETURNED_TO_SENDER",
        DispositionType.Invalidated => "INVALIDATED",
        _ => "UNSPECIFIED",
    };

    /// <summary>
    /// The type a declaration's final status stands for when no disposition was recorded (a SEIZE or
    /// RETURN_TO_SENDER decision): what the performance report counts it as; UNSPECIFIED for others.
    /// </summary>
    public static DispositionType TypeOf(Declaration declaration) => declaration.Disposition?.Type switch
    {
        { } type and not DispositionType.Unspecified => type,
        _ => declaration.Status switch
        {
            DeclarationStatus.Seized => DispositionType.Seized,
            DeclarationStatus.ReturnedToSender => DispositionType.ReturnedToSender,
            _ => DispositionType.Unspecified,
        },
    };

    /// <summary>
    /// Whether goods that ended as <paramref name="type"/> lack the legal basis every type but
    /// INVALIDATED requires: a seizure or return decided with DecideDeclaration (released; its
    /// request has no legal basis field, so the node cannot require one there) has no code.
    /// </summary>
    public static bool LegalBasisMissing(DispositionType type, string legalBasisCode) =>
        legalBasisCode.Length == 0 && type is not (DispositionType.Invalidated or DispositionType.Unspecified);

    /// <summary>
    /// Every problem of the request's own fields, by path: the type, a legal basis for every type but
    /// INVALIDATED, the reason, and the return item identifier (required for a return, where a
    /// postal declaration needs a valid UPU S10 identifier; refused for any other type). The channel
    /// is the declaration's; null when it is not known yet (the identifier is then checked as a
    /// waybill only, and again once it is).
    /// </summary>
    public static void Check(RecordDispositionRequest request, Channel? channel, List<FieldViolation> violations)
    {
        var typeKnown = request.Type is DispositionType.Seized or DispositionType.Abandoned or DispositionType.Destroyed
            or DispositionType.ReturnedToSender or DispositionType.Invalidated;
        if (!typeKnown)
        {
            violations.Add(new FieldViolation("type", "Required: SEIZED, ABANDONED, DESTROYED, RETURNED_TO_SENDER or INVALIDATED."));
        }
        if (request.LegalBasis is null)
        {
            if (typeKnown && request.Type != DispositionType.Invalidated)
            {
                violations.Add(new FieldViolation("legal_basis",
                    $"Required for {Label(request.Type)}: the provision of law the disposition rests on (code and citation); the notices to the consignee and the seller state it."));
            }
        }
        else
        {
            CheckCode(request.LegalBasis.Code, violations);
            RequestChecks.CheckText(request.LegalBasis.Citation, 1, MaxCitationLength, "legal_basis.citation", violations);
        }
        RequestChecks.CheckText(request.Reason, 1, MaxReasonLength, "reason", violations);
        CheckReturnItem(request, channel, violations);
    }

    private static void CheckCode(string code, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(code) || code.Length > MaxCodeLength || code.Trim().Length == 0
            || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '-' or '/' or '(' or ')' or '§'))
        {
            violations.Add(new FieldViolation("legal_basis.code",
                $"Must be 1 to {MaxCodeLength} letters, digits, spaces and .-/()§, e.g. \"ART-198\"; got {Echo.Quote(code)}."));
        }
    }

    private static void CheckReturnItem(RecordDispositionRequest request, Channel? channel, List<FieldViolation> violations)
    {
        const string field = "return_item_identifier";
        var identifier = request.ReturnItemIdentifier;
        if (request.Type != DispositionType.ReturnedToSender)
        {
            if (identifier.Length > 0)
            {
                violations.Add(new FieldViolation(field, "Only a RETURNED_TO_SENDER disposition names a return item; leave it empty."));
            }
            return;
        }
        if (identifier.Length == 0)
        {
            violations.Add(new FieldViolation(field, channel == Channel.Postal
                ? "Required for RETURNED_TO_SENDER: the return item's own UPU S10 item identifier, e.g. RB123456785GB."
                : "Required for RETURNED_TO_SENDER: the return item's own identifier (a UPU S10 item identifier for a postal item, a waybill number otherwise)."));
            return;
        }
        if (channel == Channel.Postal)
        {
            // A postal return travels as a postal item of its own: UPU S10 (one validator, S10ItemIdentifier).
            if (S10ItemIdentifier.Check(identifier) is { } problem)
            {
                violations.Add(new FieldViolation(field, "The return of a postal item " + problem + "."));
            }
            return;
        }
        if (TextValues.Check(identifier, 1, MaxWaybillLength) is { } textProblem)
        {
            violations.Add(new FieldViolation(field, textProblem));
        }
    }

    /// <summary>
    /// The change a disposition makes to <paramref name="current"/>, or the refusal: HELD only
    /// (INVALIDATED: HELD under an open Do Not Load, before arrival; the others after arrival, the
    /// goods being in customs' hands). The disposition closes the referrals, as a decision does.
    /// </summary>
    public static Change Apply(Declaration current, RecordDispositionRequest request, DispositionOptions options, Timestamp now)
    {
        var operation = "disposed of as " + Label(request.Type);
        if (current.Status != DeclarationStatus.Held)
        {
            throw new InvalidStateTransitionException(current.Name, current.Status, operation + " (only a HELD declaration can be)", "name");
        }
        if (request.Type == DispositionType.Invalidated)
        {
            if (!Lifecycles.UnderDoNotLoad(current))
            {
                throw new InvalidStateTransitionException(current.Name, current.Status, operation + " (only under an open Do Not Load)", "type");
            }
            if (Lifecycles.HasArrived(current))
            {
                throw new GoodsArrivedException(current.Name, current.Clearance.ArriveTime, operation);
            }
        }
        else if (!Lifecycles.HasArrived(current))
        {
            throw new GoodsNotArrivedException(current.Name, operation, "name");
        }
        // The return identifier's rule depends on the channel, known only now.
        var violations = new List<FieldViolation>();
        CheckReturnItem(request, current.Channel, violations);
        RequestChecks.ThrowIfAny(violations);

        var disposition = new Disposition
        {
            Type = request.Type,
            LegalBasis = request.LegalBasis?.Clone(),
            Reason = request.Reason,
            ReturnItemIdentifier = request.ReturnItemIdentifier,
            DisposeTime = now,
        };
        if (request.Type != DispositionType.Invalidated)
        {
            disposition.AppealDeadline = Timestamp.FromDateTimeOffset(now.ToDateTimeOffset().Add(options.AppealPeriod));
            disposition.Notices.AddRange(Notices(current, disposition, options));
        }
        var next = current.Clone();
        next.Status = StatusFor(request.Type);
        next.Disposition = disposition;
        Decisions.CloseReferrals(next);
        return new Change(next, DeclarationEventType.Disposed, Summary(disposition));
    }

    /// <summary>What the DISPOSED event says, e.g. "SEIZED under ART-198: counterfeit goods."</summary>
    public static string Summary(Disposition disposition)
    {
        var basis = disposition.LegalBasis is { } legal ? " under " + legal.Code : "";
        var item = disposition.ReturnItemIdentifier.Length > 0 ? $" as return item {disposition.ReturnItemIdentifier}" : "";
        return $"{Label(disposition.Type)}{basis}{item}: {disposition.Reason}";
    }

    /// <summary>
    /// The notices to the consignee and (when the declaration names one) the seller, from the
    /// node's template: what happened, the legal basis, and how and by when to appeal.
    /// </summary>
    public static IEnumerable<DispositionNotice> Notices(Declaration declaration, Disposition disposition, DispositionOptions options)
    {
        if (declaration.Consignee is { Name.Length: > 0 } consignee)
        {
            yield return new DispositionNotice
            {
                Recipient = NoticeRecipient.Consignee,
                PartyName = consignee.Name,
                Text = NoticeText(consignee.Name, "sent to you", declaration, disposition, options),
            };
        }
        if (declaration.Seller is { Name.Length: > 0 } seller)
        {
            yield return new DispositionNotice
            {
                Recipient = NoticeRecipient.Seller,
                PartyName = seller.Name,
                Text = NoticeText(seller.Name, "you sold", declaration, disposition, options),
            };
        }
    }

    private static string NoticeText(string party, string relation, Declaration declaration, Disposition disposition, DispositionOptions options)
    {
        var reference = declaration.CustomsReference.Length > 0 ? declaration.CustomsReference : declaration.Name;
        var item = DeclarationContent.ItemReference(declaration);
        var goods = item.Length > 0 ? $"the goods {relation} ({item})" : $"the goods {relation}";
        var deadline = disposition.AppealDeadline.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var days = ((int)options.AppealPeriod.TotalDays).ToString(CultureInfo.InvariantCulture);
        return string.Join("\n",
            $"Dear {party},",
            $"{options.AdministrationName} has {What(disposition)} {goods}, customs reference {reference}.",
            $"What was found: {disposition.Reason}",
            $"Legal basis: {disposition.LegalBasis.Citation} ({disposition.LegalBasis.Code}).",
            $"You may appeal against this decision within {days} days, by {deadline}: {options.AppealInstructions} Quote the customs reference {reference}.");
    }

    private static string What(Disposition disposition) => disposition.Type switch
    {
        DispositionType.Seized => "seized",
        DispositionType.Abandoned => "recorded as abandoned",
        DispositionType.Destroyed => "destroyed",
        DispositionType.ReturnedToSender => $"returned to the sender, as return item {disposition.ReturnItemIdentifier},",
        _ => "disposed of",
    };
}

/// <summary>
/// The administration's settings for dispositions (configuration section "Exchange:Disposition"):
/// who it is, and how and within how long a party may appeal. The period is each administration's
/// law; the default of 30 days is a placeholder for a node not configured, not a legal claim.
/// </summary>
public sealed class DispositionOptions
{
    /// <summary>The administration as the notices name it.</summary>
    public string AdministrationName { get; set; } = "The customs administration";

    /// <summary>How long after the disposition a party may appeal.</summary>
    public TimeSpan AppealPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How to appeal, one or more sentences the notices quote.</summary>
    public string AppealInstructions { get; set; } = "send your appeal in writing to the customs office that holds the goods.";

    /// <summary>Every problem of the options, each naming its setting; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(AdministrationName))
        {
            problems.Add("Exchange:Disposition:AdministrationName must not be empty.");
        }
        if (AppealPeriod < TimeSpan.FromDays(1) || AppealPeriod > TimeSpan.FromDays(3650) || AppealPeriod.Ticks % TimeSpan.TicksPerDay != 0)
        {
            problems.Add("Exchange:Disposition:AppealPeriod must be a whole number of days, from 1 to 3650 (e.g. \"30.00:00:00\").");
        }
        if (string.IsNullOrWhiteSpace(AppealInstructions))
        {
            problems.Add("Exchange:Disposition:AppealInstructions must say how to appeal.");
        }
        return problems;
    }
}
