using System.Text;
using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Consignments;
using Exchange.Core.Declarations;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Storage;
using Exchange.Core.Validation;

namespace Exchange.Core.Revenue;

/// <summary>
/// What filers, carriers and officers do with revenue (RevenueService, RevenueOversightService):
/// read a declaration's duty assessment, record a payment against it (which releases goods whose
/// release waited for it), and total the VAT charged at sale per IOSS number and month. Payments
/// are changes of the declaration (<see cref="DeclarationChanges"/>): in its event log with their
/// actor, idempotent by request id, under compare-and-set.
/// </summary>
public sealed partial class RevenueWorkflow(
    IDeclarationStore store, IReportStore reports, IRegistryStore registry, IEventSignal signal, TimeProvider clock)
{
    private readonly ConsignmentDirectory _consignments = new(registry);
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private const int MaxPaymentReferenceLength = 35;
    private const string Suffix = "/dutyAssessment";

    private readonly DeclarationChanges _changes = new(store, signal, clock);

    /// <summary>The assessment, for its filer or its carrier.</summary>
    public async Task<GetDutyAssessmentResponse> GetAsync(CallerIdentity caller, GetDutyAssessmentRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = ReadName(request.Name, violations);
        RequestChecks.ThrowIfAny(violations);
        var (declaration, carrier) = await ReadAsVisibleAsync(caller, key!, cancellationToken);
        var assessment = declaration.DutyAssessment ?? throw new ResourceNotFoundException(request.Name);
        return new GetDutyAssessmentResponse { DutyAssessment = WithPayer(assessment, declaration, carrier) };
    }

    /// <summary>Records a payment by the payer; refused, with nothing changed, when anything about it is wrong.</summary>
    public async Task<RecordPaymentResponse> RecordPaymentAsync(CallerIdentity caller, RecordPaymentRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = ReadName(request.Name, violations);
        Payments.Check(request.Amount, "amount", violations);
        if (request.PaymentReference.Length > 0)
        {
            RequestChecks.CheckText(request.PaymentReference, 1, MaxPaymentReferenceLength, "payment_reference", violations);
        }
        RequestChecks.CheckRequestId(request.RequestId, required: true, violations);
        RequestChecks.ThrowIfAny(violations);

        var (_, carrier) = await ReadAsVisibleAsync(caller, key!, cancellationToken);
        var recorder = ResourceNames.Filer(caller.FilerId);
        var hash = DeclarationContent.RequestHash("record-payment", request.Name + "\n" + request.PaymentReference, request.Amount);
        var result = await _changes.ApplyAsync(key!, recorder + "/" + request.RequestId, hash, etag: null, recorder, current =>
        {
            var assessment = current.DutyAssessment ?? throw new NotAssessedException(key!.Name);
            var payer = PayerOf(current, carrier);
            if (payer != recorder)
            {
                throw new PayerMismatchException(request.Name, payer);
            }
            var next = current.Clone();
            var payment = Payments.Apply(next.DutyAssessment, request.Amount, request.PaymentReference, recorder,
                Timestamps.ToProto(Timestamps.Now(clock)));
            var paid = new Change(next, DeclarationEventType.PaymentRecorded, Payments.Describe(payment, assessment.Balance.CurrencyCode));
            return ValueTask.FromResult(Decisions.ReleasesNow(next) ? Decisions.ReleaseAfter(paid) with { Reason = ReleasedOnPayment } : paid);
        }, cancellationToken);
        return new RecordPaymentResponse
        {
            DutyAssessment = WithPayer(result.DutyAssessment, result, carrier),
            DeclarationStatus = result.Status,
        };
    }

    /// <summary>What the STATUS_CHANGED event of a release on payment says.</summary>
    public const string ReleasedOnPayment = "Released: the duties and taxes have been paid.";

    /// <summary>The VAT charged at sale per IOSS number and month, for officers.</summary>
    public async Task<ListIossMonthlyTotalsResponse> ListIossMonthlyTotalsAsync(
        OfficerIdentity officer, ListIossMonthlyTotalsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (request.IossNumber.Length > 0 && IossNumber.Check(request.IossNumber) is { } iossProblem)
        {
            violations.Add(new FieldViolation("ioss_number", iossProblem));
        }
        if (request.Month.Length > 0 && !MonthPattern().IsMatch(request.Month))
        {
            violations.Add(new FieldViolation("month", $"Must be a month, YYYY-MM, e.g. 2026-07; got {Echo.Quote(request.Month)}."));
        }
        if (request.PageSize < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        RequestChecks.ThrowIfAny(violations);

        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var after = request.PageToken.Length == 0 ? null : ReadToken(request.PageToken, request);
        var sums = await reports.ListIossMonthlySumsAsync(
            NullIfEmpty(request.IossNumber), NullIfEmpty(request.Month), after, pageSize + 1, cancellationToken);
        var response = new ListIossMonthlyTotalsResponse();
        response.Totals.AddRange(sums.Take(pageSize).Select(sum => new IossMonthlyTotal
        {
            IossNumber = sum.IossNumber,
            Month = sum.Month,
            Vat = ExactMoney.FromDecimal(sum.VatMicros / 1_000_000m, sum.Currency),
            Consignments = sum.Consignments,
        }));
        if (sums.Count > pageSize)
        {
            response.NextPageToken = IssueToken(sums[pageSize - 1], request);
        }
        return response;
    }

    /// <summary>
    /// Who pays, `filers/{filer}`: the carrier of the master consignment when the operator collects
    /// on delivery and a carrier filed one (ICS2 multiple filing: the house's goods travel under
    /// it, and the carrier delivers them); the filer otherwise (it lodged the declaration, for the
    /// seller or for itself, and its deferred account is charged).
    /// </summary>
    public static string PayerOf(Declaration declaration, string? carrierFilerId)
    {
        return declaration.PayerModel == PayerModel.CollectOnDelivery && carrierFilerId is not null
            ? ResourceNames.Filer(carrierFilerId)
            : ResourceNames.Filer(ResourceNames.StoredDeclaration(declaration.Name).FilerId);
    }

    private static DutyAssessment WithPayer(DutyAssessment assessment, Declaration declaration, string? carrier)
    {
        var view = assessment.Clone();
        view.Payer = PayerOf(declaration, carrier);
        return view;
    }

    /// <summary>
    /// The declaration, when the caller is its filer or the carrier of its master consignment;
    /// FILER_MISMATCH otherwise, whether or not it exists (a stranger learns nothing of it).
    /// </summary>
    private async Task<(Declaration Declaration, string? Carrier)> ReadAsVisibleAsync(
        CallerIdentity caller, DeclarationKey key, CancellationToken cancellationToken)
    {
        var declaration = await store.GetAsync(key, cancellationToken);
        var carrier = declaration is null ? null : await CarrierOfAsync(declaration, cancellationToken);
        if (key.FilerId != caller.FilerId && (carrier is null || carrier != caller.FilerId))
        {
            throw new FilerMismatchException("name");
        }
        return (declaration ?? throw new DeclarationNotFoundException(key.Name), carrier);
    }

    /// <summary>The filer id of the carrier whose open or arrived consignment holds the house's master transport document, or null.</summary>
    private async Task<string?> CarrierOfAsync(Declaration declaration, CancellationToken cancellationToken) =>
        declaration.TransportDocument?.MasterWaybill is { Length: > 0 } master
        && await _consignments.FindByDocumentAsync(master, cancellationToken) is { } consignment
        && ResourceNames.TryParseConsignment(consignment.Name, out var carrier, out _)
            ? carrier
            : null;

    private static DeclarationKey? ReadName(string? name, List<FieldViolation> violations)
    {
        if (name is null || !name.EndsWith(Suffix, StringComparison.Ordinal)
            || !ResourceNames.TryParseDeclaration(name[..^Suffix.Length], out var key))
        {
            violations.Add(new FieldViolation("name",
                $"Must have the form 'filers/{{filer}}/declarations/{{declaration}}/dutyAssessment'; got {Echo.Quote(name)}."));
            return null;
        }
        return key;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>An opaque token: the last total of the page and the filters it was issued for.</summary>
    private static string IssueToken(IossMonthlySum last, ListIossMonthlyTotalsRequest request) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n',
            last.IossNumber, last.Month, last.Currency, request.IossNumber, request.Month)));

    private static IossMonthlySum ReadToken(string token, ListIossMonthlyTotalsRequest request)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException();
        }
        if (parts.Length != 5 || parts[3] != request.IossNumber || parts[4] != request.Month)
        {
            throw new InvalidPageTokenException();
        }
        return new IossMonthlySum(parts[0], parts[1], parts[2], 0, 0);
    }

    [GeneratedRegex("^[0-9]{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();
}
