using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Google.Type;

namespace Exchange.Core.Reporting;

/// <summary>
/// What a store keeps per declaration for the performance report (docs/reporting.md): plain
/// columns the report aggregates with GROUP BY over an index on <see cref="CreateTime"/>, so a
/// report never reads a declaration's bytes. Written in the same transaction as every write of
/// the declaration, and derived by <see cref="Of"/> alone, so both stores keep the same values.
/// Times are Unix microseconds (UTC), as in <see cref="DeclarationIndex"/>; amounts are
/// micro-units (10^-6) of their currency.
/// </summary>
/// <param name="FilerId">The filer the declaration belongs to.</param>
/// <param name="CreateTime">When the declaration was received (submitted).</param>
/// <param name="Channel">POSTAL, EXPRESS or CARGO ("" when unspecified), as the declaration says now.</param>
/// <param name="OriginCountry">The country of origin of the first goods item ("" when not given), as the declaration says now.</param>
/// <param name="CompleteData">
/// Whether the first risk assessment found the advance data complete (no DATA_QUALITY hit); null
/// until the declaration is assessed. Set once.
/// </param>
/// <param name="FirstDecisionTime">When customs first decided (null until then). Set once, never overwritten.</param>
/// <param name="FirstOutcome">The outcome of the first decision (UNSPECIFIED until then). Set once.</param>
/// <param name="LatestOutcome">The outcome of the latest decision (e.g. RELEASE after a HOLD was reviewed).</param>
/// <param name="Amended">Whether the filer ever amended the declaration.</param>
/// <param name="ReferralCount">Referrals customs opened on the declaration.</param>
/// <param name="AgencyHold">Whether a partner government agency ever held it.</param>
/// <param name="DutyMicros">The latest duty estimate, in micro-units of <paramref name="DutyCurrency"/> (0, "" when none).</param>
/// <param name="DutyCurrency">The ISO 4217 currency of <paramref name="DutyMicros"/>.</param>
/// <param name="TaxMicros">The latest tax estimate, in micro-units of <paramref name="TaxCurrency"/> (0, "" when none).</param>
/// <param name="TaxCurrency">The ISO 4217 currency of <paramref name="TaxMicros"/>.</param>
/// <param name="RevenueCurrency">The currency of the duty assessment ("" before the goods arrived with an estimate).</param>
/// <param name="RevenueAssessedMicros">What the assessment makes due at importation (DutyAssessment.amount_due), micro-units.</param>
/// <param name="RevenueCollectedMicros">What has been paid against it (DutyAssessment.amount_paid), micro-units.</param>
/// <param name="IossNumber">The IOSS number the assessment's VAT was charged at sale under ("" when none).</param>
/// <param name="IossMonth">The month of the assessment, "YYYY-MM" in UTC, when <paramref name="IossNumber"/> is set ("" otherwise).</param>
/// <param name="IossVatMicros">The VAT charged at sale under IOSS (DutyAssessment.paid_at_sale), micro-units.</param>
/// <param name="Disposition">
/// What became of the goods after a hold (Enforcement.Dispositions.TypeOf): the disposition's type,
/// or SEIZED / RETURNED_TO_SENDER for those decided without one; UNSPECIFIED otherwise.
/// </param>
/// <param name="DispositionReason">The disposition's legal basis code ("" when none): the report's reason.</param>
public sealed record DeclarationMeasures(
    string FilerId,
    long CreateTime,
    string Channel,
    string OriginCountry,
    bool? CompleteData,
    long? FirstDecisionTime,
    DecisionOutcome FirstOutcome,
    DecisionOutcome LatestOutcome,
    bool Amended,
    int ReferralCount,
    bool AgencyHold,
    long DutyMicros,
    string DutyCurrency,
    long TaxMicros,
    string TaxCurrency,
    string RevenueCurrency = "",
    long RevenueAssessedMicros = 0,
    long RevenueCollectedMicros = 0,
    string IossNumber = "",
    string IossMonth = "",
    long IossVatMicros = 0,
    DispositionType Disposition = DispositionType.Unspecified,
    string DispositionReason = "")
{
    /// <summary>
    /// The measures after a write: <paramref name="next"/> is the declaration's full new state,
    /// <paramref name="event"/> the write's event, <paramref name="assessment"/> the risk assessment
    /// the write carries (<see cref="DeclarationFacts.Assessment"/>, null when none), and
    /// <paramref name="previous"/> the stored measures (null on submission). Pure: the same
    /// arguments always give the same row.
    /// </summary>
    public static MeasuresChange Of(Declaration next, DeclarationEvent @event, RiskAssessment? assessment, DeclarationMeasures? previous)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(@event);
        var filerId = ResourceNames.TryParseDeclaration(next.Name, out var key)
            ? key.FilerId
            : throw new ArgumentException($"Not a declaration name: '{next.Name}'.", nameof(next));

        var decided = @event.Type == DeclarationEventType.Decided && next.Decision is { Outcome: not DecisionOutcome.Unspecified };
        var firstDecided = previous?.FirstDecisionTime is null && decided;
        var (dutyMicros, dutyCurrency) = Micros(next.DutyEstimate?.Duty);
        var (taxMicros, taxCurrency) = Micros(next.DutyEstimate?.Tax);

        var row = new DeclarationMeasures(
            FilerId: filerId,
            CreateTime: DeclarationIndex.ToUnixMicroseconds(next.CreateTime),
            Channel: ChannelLabel(next.Channel),
            OriginCountry: next.Items.Count > 0 ? next.Items[0].OriginCountryCode : "",
            CompleteData: previous?.CompleteData ?? (assessment is null ? null : IsComplete(assessment)),
            FirstDecisionTime: firstDecided ? DeclarationIndex.ToUnixMicroseconds(next.Decision!.DecideTime ?? @event.EventTime) : previous?.FirstDecisionTime,
            FirstOutcome: firstDecided ? next.Decision!.Outcome : previous?.FirstOutcome ?? DecisionOutcome.Unspecified,
            LatestOutcome: decided ? next.Decision!.Outcome : previous?.LatestOutcome ?? DecisionOutcome.Unspecified,
            Amended: (previous?.Amended ?? false) || @event.Type == DeclarationEventType.Amended,
            ReferralCount: Math.Max(previous?.ReferralCount ?? 0, next.Referrals.Count),
            AgencyHold: (previous?.AgencyHold ?? false) || next.AgencyHolds.Count > 0,
            DutyMicros: dutyMicros,
            DutyCurrency: dutyCurrency,
            TaxMicros: taxMicros,
            TaxCurrency: taxCurrency,
            Disposition: Enforcement.Dispositions.TypeOf(next),
            DispositionReason: next.Disposition?.LegalBasis?.Code ?? "")
        {
            RevenueCurrency = next.DutyAssessment?.AmountDue?.CurrencyCode ?? "",
            RevenueAssessedMicros = Micros(next.DutyAssessment?.AmountDue).Micros,
            RevenueCollectedMicros = Micros(next.DutyAssessment?.AmountPaid).Micros,
            IossNumber = next.DutyAssessment?.IossNumber ?? "",
            IossMonth = next.DutyAssessment is { IossNumber.Length: > 0, CreateTime: { } assessed }
                ? assessed.ToDateTimeOffset().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)
                : "",
            IossVatMicros = next.DutyAssessment is { IossNumber.Length: > 0 } ioss ? Micros(ioss.PaidAtSale).Micros : 0,
        };

        var answers = new List<ReferralAnswer>();
        if (@event.Type == DeclarationEventType.ReferralAnswered)
        {
            foreach (var referral in @event.Referrals)
            {
                if (referral.RespondTime is null || referral.CreateTime is null)
                {
                    continue;
                }
                answers.Add(new ReferralAnswer(
                    referral.Name,
                    DeclarationIndex.ToUnixMicroseconds(referral.RespondTime) - DeclarationIndex.ToUnixMicroseconds(referral.CreateTime),
                    referral.Type));
            }
        }
        return new MeasuresChange(row, answers);
    }

    /// <summary>The measures after <paramref name="write"/>, from the stored ones (null on insert).</summary>
    public static MeasuresChange ForWrite(DeclarationWrite write, DeclarationMeasures? previous)
    {
        ArgumentNullException.ThrowIfNull(write);
        var change = Of(write.Declaration, write.Event, write.Facts?.Assessment, previous);
        // A write of several steps (an amendment decided at once) counts its earlier ones too.
        return write.EarlierEvents?.Any(e => e.Type == DeclarationEventType.Amended) == true && !change.Row.Amended
            ? change with { Row = change.Row with { Amended = true } }
            : change;
    }

    /// <summary>Complete advance data: the assessment found nothing of kind DATA_QUALITY.</summary>
    public static bool IsComplete(RiskAssessment assessment) =>
        !assessment.Hits.Any(hit => hit.Kind == RuleKind.DataQuality);

    /// <summary>The channel as the report names its group, e.g. "POSTAL".</summary>
    public static string ChannelLabel(Channel channel) => channel switch
    {
        Contracts.Declaration.V1.Channel.Postal => "POSTAL",
        Contracts.Declaration.V1.Channel.Express => "EXPRESS",
        Contracts.Declaration.V1.Channel.Cargo => "CARGO",
        _ => "",
    };

    /// <summary>An amount in whole micro-units (10^-6, truncated towards zero) and its currency.</summary>
    private static (long Micros, string Currency) Micros(Money? money) =>
        money is null ? (0, "") : (SaturatedMicros(money), money.CurrencyCode);

    /// <summary>
    /// Micro-units, saturated at the range of a long: validation sets no upper bound on values, and
    /// a write must never fail on an absurd amount (it would stop the assessor's queue).
    /// </summary>
    private static long SaturatedMicros(Money money)
    {
        var micros = (decimal)money.Units * 1_000_000m + money.Nanos / 1000;
        return micros >= long.MaxValue ? long.MaxValue : micros <= long.MinValue ? long.MinValue : (long)micros;
    }
}

/// <summary>A write's measures: the new row, and the referrals the write answered.</summary>
public sealed record MeasuresChange(DeclarationMeasures Row, IReadOnlyList<ReferralAnswer> Answers);

/// <summary>A referral answered by the filer: its name, the time from its opening to the answer in microseconds, and its type.</summary>
public sealed record ReferralAnswer(string Referral, long ResponseMicros, ReferralType Type = ReferralType.Unspecified);
