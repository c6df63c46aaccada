using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Enforcement;

/// <summary>
/// Trusted-trader programmes and enrolments, and the question the risk engine asks: does one of
/// these traders hold an enrolment that counts at this moment? Lookups are served from an
/// in-memory snapshot of the (small) registry (<see cref="ReferenceSnapshot{T}"/>), loaded again
/// after a change here or one another node announces (at its next assessment), and at least every
/// <see cref="ReferenceData.DefaultLifetime"/> unless configured (so within that time even while
/// the announcements are down).
/// </summary>
public sealed class KnownShipperRegistry
{
    private const string ProgrammePrefix = "programmes/";
    private readonly string _administrationCountryCode;
    private readonly TimeProvider _clock;
    private readonly ProtoRegistry<Programme> _programmes;
    private readonly ProtoRegistry<Enrolment> _enrolments;
    private readonly ReferenceSnapshot<Snapshot> _snapshot;

    /// <param name="store">Where programmes and enrolments are kept.</param>
    /// <param name="clock">The node's clock, for enrolment validity.</param>
    /// <param name="administrationCountryCode">The country of the customs administration running the node.</param>
    /// <param name="signal">Where nodes announce registry changes to each other (see <see cref="ReferenceSnapshot{T}"/>).</param>
    /// <param name="snapshotLifetime">The oldest snapshot a lookup uses (default <see cref="ReferenceData.DefaultLifetime"/>).</param>
    public KnownShipperRegistry(
        IRegistryStore store, TimeProvider clock, string administrationCountryCode, IEventSignal? signal = null, TimeSpan? snapshotLifetime = null)
    {
        _administrationCountryCode = administrationCountryCode;
        _clock = clock;
        _programmes = new(store, "programme", Programme.Parser);
        _enrolments = new(store, "enrolment", Enrolment.Parser);
        _snapshot = new("reference-data:known-shippers", snapshotLifetime ?? ReferenceData.DefaultLifetime, clock, signal, LoadAsync);
    }

    public async Task<Programme> CreateProgrammeAsync(CreateProgrammeRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckId(request.ProgrammeId, "programme_id", violations);
        var programme = request.Programme;
        if (programme is null)
        {
            violations.Add(new FieldViolation("programme", "Required."));
        }
        else
        {
            if (programme.Type == ProgrammeType.Unspecified || !System.Enum.IsDefined(programme.Type))
            {
                violations.Add(new FieldViolation("programme.type", "Required: KNOWN_SHIPPER, AEO or TRUSTED_TRADER."));
            }
            if (programme.IssuingAdministration != "EU" && !CountryCodes.IsAssigned(programme.IssuingAdministration))
            {
                violations.Add(new FieldViolation("programme.issuing_administration",
                    $"Must be an ISO 3166-1 alpha-2 code or EU; got {Echo.Quote(programme.IssuingAdministration)}."));
            }
            RequestChecks.CheckText(programme.DisplayName, 1, 128, "programme.display_name", violations);
        }
        RequestChecks.ThrowIfAny(violations);

        var created = programme!.Clone();
        created.Name = ProgrammePrefix + request.ProgrammeId;
        created.Own = IsOwn(created.IssuingAdministration);
        await _programmes.CreateAsync(created.Name, created, cancellationToken);
        _snapshot.Changed();
        return created;
    }

    public Task<Programme> GetProgrammeAsync(string name, CancellationToken cancellationToken) =>
        _programmes.GetAsync(CheckedName(name, "name", ProgrammeName), cancellationToken);

    public async Task<ListProgrammesResponse> ListProgrammesAsync(ListProgrammesRequest request, CancellationToken cancellationToken)
    {
        var (items, next) = await _programmes.PageAsync(ProgrammePrefix, request.PageSize, request.PageToken, cancellationToken);
        return new ListProgrammesResponse { Programmes = { items }, NextPageToken = next };
    }

    public async Task<Programme> UpdateProgrammeAsync(UpdateProgrammeRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var name = request.Programme?.Name;
        if (!ProgrammeName(name))
        {
            violations.Add(new FieldViolation("programme.name", $"Must have the form 'programmes/{{programme}}'; got {Echo.Quote(name)}."));
        }
        if (request.UpdateMask is null || request.UpdateMask.Paths.Count == 0)
        {
            violations.Add(new FieldViolation("update_mask", "Required: display_name and/or mutually_recognised."));
        }
        else
        {
            foreach (var path in request.UpdateMask.Paths.Where(p => p is not ("display_name" or "mutually_recognised")))
            {
                violations.Add(new FieldViolation("update_mask", $"Only display_name and mutually_recognised can be updated; got {Echo.Quote(path)}."));
            }
            if (request.UpdateMask.Paths.Contains("display_name"))
            {
                RequestChecks.CheckText(request.Programme!.DisplayName, 1, 128, "programme.display_name", violations);
            }
        }
        RequestChecks.ThrowIfAny(violations);
        var updated = await _programmes.UpdateAsync(name!, current =>
        {
            var next = current.Clone();
            if (request.UpdateMask!.Paths.Contains("display_name"))
            {
                next.DisplayName = request.Programme!.DisplayName;
            }
            if (request.UpdateMask.Paths.Contains("mutually_recognised"))
            {
                next.MutuallyRecognised = request.Programme!.MutuallyRecognised;
            }
            return next;
        }, cancellationToken);
        _snapshot.Changed();
        return updated;
    }

    public async Task<Enrolment> CreateEnrolmentAsync(CreateEnrolmentRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var parent = CheckedName(request.Parent, "parent", ProgrammeName, violations);
        RequestChecks.CheckId(request.EnrolmentId, "enrolment_id", violations);
        var enrolment = request.Enrolment;
        if (enrolment is null)
        {
            violations.Add(new FieldViolation("enrolment", "Required."));
        }
        else
        {
            RequestChecks.CheckText(enrolment.TraderName, 1, 70, "enrolment.trader_name", violations);
            RequestChecks.CheckText(enrolment.TraderIdentifier, 1, 35, "enrolment.trader_identifier", violations);
            var from = RequestChecks.ReadOptionalTime(enrolment.ValidFrom, "enrolment.valid_from", violations);
            var until = RequestChecks.ReadOptionalTime(enrolment.ValidUntil, "enrolment.valid_until", violations);
            if (enrolment.ValidFrom is null)
            {
                violations.Add(new FieldViolation("enrolment.valid_from", "Required: the first moment the enrolment counts."));
            }
            if (from is not null && until is not null && until <= from)
            {
                violations.Add(new FieldViolation("enrolment.valid_until", "Must be after valid_from."));
            }
        }
        RequestChecks.ThrowIfAny(violations);
        await _programmes.GetAsync(parent, cancellationToken);

        var created = enrolment!.Clone();
        created.Name = $"{parent}/enrolments/{request.EnrolmentId}";
        created.State = EnrolmentState.Active;
        created.StateReason = "";
        created.UpdateTime = Timestamp.FromDateTimeOffset(_clock.GetUtcNow());
        await _enrolments.CreateAsync(created.Name, created, cancellationToken);
        _snapshot.Changed();
        return created;
    }

    public Task<Enrolment> GetEnrolmentAsync(string name, CancellationToken cancellationToken) =>
        _enrolments.GetAsync(CheckedName(name, "name", EnrolmentName), cancellationToken);

    public async Task<ListEnrolmentsResponse> ListEnrolmentsAsync(ListEnrolmentsRequest request, CancellationToken cancellationToken)
    {
        // AIP-159: `programmes/-` reads across every programme.
        var prefix = request.Parent == "programmes/-"
            ? ProgrammePrefix
            : CheckedName(request.Parent, "parent", ProgrammeName) + "/enrolments/";
        var (items, next) = await _enrolments.PageAsync(prefix, request.PageSize, request.PageToken, cancellationToken);
        return new ListEnrolmentsResponse { Enrolments = { items }, NextPageToken = next };
    }

    public Task<Enrolment> SuspendEnrolmentAsync(SuspendEnrolmentRequest request, CancellationToken cancellationToken) =>
        MoveEnrolmentAsync(request.Name, request.Reason, EnrolmentState.Suspended, "suspended",
            from => from == EnrolmentState.Active, cancellationToken);

    public Task<Enrolment> ReinstateEnrolmentAsync(ReinstateEnrolmentRequest request, CancellationToken cancellationToken) =>
        MoveEnrolmentAsync(request.Name, null, EnrolmentState.Active, "reinstated",
            from => from == EnrolmentState.Suspended, cancellationToken);

    public Task<Enrolment> RevokeEnrolmentAsync(RevokeEnrolmentRequest request, CancellationToken cancellationToken) =>
        MoveEnrolmentAsync(request.Name, request.Reason, EnrolmentState.Revoked, "revoked",
            from => from != EnrolmentState.Revoked, cancellationToken);

    public async Task<LookupKnownShipperResponse> LookupAsync(LookupKnownShipperRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckText(request.TraderIdentifier, 1, 35, "trader_identifier", violations);
        var at = RequestChecks.ReadOptionalTime(request.Time, "time", violations) ?? _clock.GetUtcNow();
        RequestChecks.ThrowIfAny(violations);
        var snapshot = await CurrentAsync(cancellationToken);
        var counting = snapshot.Counting(TraderIdentifiers.Normalise(request.TraderIdentifier), at).ToList();
        return new LookupKnownShipperResponse { KnownShipper = counting.Count > 0, Enrolments = { counting } };
    }

    /// <summary>
    /// The first enrolment (by name) that counts at <paramref name="at"/> for any trader of the
    /// declaration (seller, consignor, marketplace seller), or null.
    /// </summary>
    public async Task<string?> FindCountingAsync(Declaration declaration, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.IsEmpty)
        {
            return null;
        }
        foreach (var identifier in TraderIdentifiers.Of(declaration))
        {
            if (snapshot.Counting(identifier, at).FirstOrDefault() is { } enrolment)
            {
                return enrolment.Name;
            }
        }
        return null;
    }

    private async Task<Enrolment> MoveEnrolmentAsync(
        string name, string? reason, EnrolmentState to, string verb, Func<EnrolmentState, bool> allowedFrom, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        CheckedName(name, "name", EnrolmentName, violations);
        if (reason is not null)
        {
            RequestChecks.CheckText(reason, 1, 512, "reason", violations);
        }
        RequestChecks.ThrowIfAny(violations);
        var moved = await _enrolments.UpdateAsync(name, current =>
        {
            if (!allowedFrom(current.State))
            {
                throw new EnrolmentStateException(name, current.State, verb);
            }
            var next = current.Clone();
            next.State = to;
            next.StateReason = reason ?? "";
            next.UpdateTime = Timestamp.FromDateTimeOffset(_clock.GetUtcNow());
            return next;
        }, cancellationToken);
        _snapshot.Changed();
        return moved;
    }

    private bool IsOwn(string issuingAdministration) =>
        issuingAdministration == _administrationCountryCode
        || (issuingAdministration == "EU" && CountryCodes.IsEuMemberState(_administrationCountryCode));

    private ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken) => _snapshot.GetAsync(cancellationToken);

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var programmes = await _programmes.AllAsync(ProgrammePrefix, cancellationToken);
        var enrolments = await _enrolments.AllAsync(ProgrammePrefix, cancellationToken);
        var counted = programmes.Where(p => IsOwn(p.IssuingAdministration) || p.MutuallyRecognised).Select(p => p.Name).ToHashSet();
        return new Snapshot(enrolments
            .Where(e => counted.Contains(ProgrammeOf(e.Name)))
            .GroupBy(e => TraderIdentifiers.Normalise(e.TraderIdentifier))
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Name, StringComparer.Ordinal).ToList()));
    }

    private static string ProgrammeOf(string enrolmentName) => enrolmentName[..enrolmentName.IndexOf("/enrolments/", StringComparison.Ordinal)];

    private static bool ProgrammeName(string? name) =>
        name is not null && name.StartsWith(ProgrammePrefix, StringComparison.Ordinal) && ResourceNames.IsValidId(name[ProgrammePrefix.Length..]);

    private static bool EnrolmentName(string? name)
    {
        var parts = name?.Split('/');
        return parts is { Length: 4 } && parts[0] == "programmes" && parts[2] == "enrolments"
            && ResourceNames.IsValidId(parts[1]) && ResourceNames.IsValidId(parts[3]);
    }

    private static string CheckedName(string? name, string field, Func<string?, bool> isValid)
    {
        var violations = new List<FieldViolation>();
        var checkedName = CheckedName(name, field, isValid, violations);
        RequestChecks.ThrowIfAny(violations);
        return checkedName;
    }

    private static string CheckedName(string? name, string field, Func<string?, bool> isValid, List<FieldViolation> violations)
    {
        if (!isValid(name))
        {
            violations.Add(new FieldViolation(field, $"Not a valid resource name for this method; got {Echo.Quote(name)}."));
        }
        return name ?? "";
    }

    /// <summary>The enrolments by normalised trader identifier, as loaded.</summary>
    private sealed record Snapshot(Dictionary<string, List<Enrolment>> ByIdentifier)
    {
        public bool IsEmpty => ByIdentifier.Count == 0;

        public IEnumerable<Enrolment> Counting(string identifier, DateTimeOffset at) =>
            ByIdentifier.TryGetValue(identifier, out var enrolments)
                ? enrolments.Where(e => e.State == EnrolmentState.Active
                    && e.ValidFrom.ToDateTimeOffset() <= at
                    && (e.ValidUntil is null || at < e.ValidUntil.ToDateTimeOffset()))
                : [];
    }
}

/// <summary>The trader identifiers a declaration carries, in the form enrolments are matched on.</summary>
public static class TraderIdentifiers
{
    /// <summary>Upper case without spaces: "nl 123456789" and "NL123456789" are one identifier.</summary>
    public static string Normalise(string identifier) =>
        string.Concat(identifier.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    /// <summary>The seller's and consignor's EORI and tax id, and the marketplace seller id, normalised, without blanks.</summary>
    public static IEnumerable<string> Of(Declaration declaration)
    {
        foreach (var party in new[] { declaration.Seller, declaration.Consignor })
        {
            if (party is null)
            {
                continue;
            }
            if (party.Eori.Length > 0)
            {
                yield return Normalise(party.Eori);
            }
            if (party.TaxId.Length > 0)
            {
                yield return Normalise(party.TaxId);
            }
        }
        if (declaration.Marketplace is { SellerId.Length: > 0 } marketplace)
        {
            yield return Normalise(marketplace.SellerId);
        }
    }
}
