using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Storage.Tests;

/// <summary>
/// Builds declarations and writes the way the core hands them to a store: output fields set
/// (name, revision, status, etag, times truncated to whole microseconds) and an event to match.
/// </summary>
internal static class StoreWrites
{
    /// <summary>A whole-microsecond time the tests count from.</summary>
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A declaration as recorded on submission: revision 1, ACCEPTED, created and updated at
    /// <paramref name="createTime"/> (default <see cref="BaseTime"/>). Starts from
    /// <paramref name="sample"/> (default the postal gift); <paramref name="configure"/> runs last.
    /// </summary>
    public static Declaration Submitted(
        string filerId, string declarationId, DateTimeOffset? createTime = null,
        Declaration? sample = null, Action<Declaration>? configure = null)
    {
        var declaration = (sample ?? SampleDeclarations.PostalGift()).Clone();
        var time = Timestamp.FromDateTimeOffset(TruncateToMicroseconds(createTime ?? BaseTime));
        declaration.Name = ResourceNames.Declaration(filerId, declarationId);
        declaration.Revision = 1;
        declaration.Status = DeclarationStatus.Accepted;
        declaration.CreateTime = time;
        declaration.UpdateTime = time;
        declaration.Etag = Etag(declarationId, 1);
        configure?.Invoke(declaration);
        return declaration;
    }

    /// <summary>The facts an insert carries unless a test gives its own: no assessment, no flags.</summary>
    public static readonly DeclarationFacts DefaultFacts = new("consignee-default", 1_000, null, []);

    /// <summary>
    /// The insert of a submission. With a request id, the request hash defaults to one derived
    /// from the request id, so two inserts with the same id are "the same request" unless a
    /// different <paramref name="requestHash"/> is given. <paramref name="facts"/> defaults to
    /// <see cref="DefaultFacts"/>.
    /// </summary>
    public static DeclarationWrite Insert(
        string filerId, string declarationId, string? requestId = null, byte[]? requestHash = null,
        DateTimeOffset? createTime = null, Declaration? sample = null, Action<Declaration>? configure = null,
        DeclarationFacts? facts = null) =>
        ToWrite(Submitted(filerId, declarationId, createTime, sample, configure),
            DeclarationEventType.Accepted, requestId, requestHash, expectedRevision: 0) with { Facts = facts ?? DefaultFacts };

    /// <summary>
    /// The insert of a submission accepted and decided in one write (as the core records it when
    /// it decides on arrival): the declaration RELEASED at revision 2 a second after it was
    /// created, with its ACCEPTED event (revision 1) before its DECIDED event (revision 2).
    /// </summary>
    public static DeclarationWrite InsertDecided(string filerId, string declarationId, string? requestId = null)
    {
        var accepted = Insert(filerId, declarationId, requestId);
        var decided = accepted.Declaration.Clone();
        decided.Status = DeclarationStatus.Released;
        decided.Revision = 2;
        decided.Etag = Etag(declarationId, 2);
        decided.UpdateTime = Timestamp.FromDateTimeOffset(decided.CreateTime.ToDateTimeOffset().AddSeconds(1));
        decided.Decision = new Decision { Outcome = DecisionOutcome.Release, Reason = "released", DecideTime = decided.UpdateTime };
        return ToWrite(decided, DeclarationEventType.Decided, requestId, accepted.RequestHash, expectedRevision: 0)
            with { Facts = DefaultFacts, EarlierEvents = [accepted.Event] };
    }

    /// <summary>
    /// An amendment of <paramref name="current"/>: <paramref name="change"/> applied, revision
    /// and etag moved on, updated a second later, expecting the current revision. Without
    /// <paramref name="facts"/> the stored facts stay.
    /// </summary>
    public static DeclarationWrite Update(
        Declaration current, Action<Declaration> change, string? requestId = null, byte[]? requestHash = null,
        DeclarationFacts? facts = null)
    {
        var next = current.Clone();
        change(next);
        next.Revision = current.Revision + 1;
        next.UpdateTime = Timestamp.FromDateTimeOffset(current.UpdateTime.ToDateTimeOffset().AddSeconds(1));
        next.Etag = Etag(KeyOf(current).DeclarationId, next.Revision);
        return ToWrite(next, DeclarationEventType.Amended, requestId, requestHash, expectedRevision: current.Revision) with { Facts = facts };
    }

    /// <summary>
    /// The arrival of <paramref name="current"/>'s goods and their release on it, as the node
    /// writes them (DeclarationService.NotifyArrival of an ASSESSED declaration): one write
    /// expecting the current revision, the ARRIVED event (next revision) before the STATUS_CHANGED
    /// event that releases (the one after), both lifecycles set.
    /// </summary>
    public static DeclarationWrite ArriveAndRelease(Declaration current, string? requestId = null)
    {
        var arrived = Update(current, d =>
        {
            d.Clearance = new Clearance
            {
                State = ClearanceState.Arrived,
                ArriveTime = Timestamp.FromDateTimeOffset(current.UpdateTime.ToDateTimeOffset().AddMinutes(-5)),
                ArrivalOffice = "NL000396",
                ArrivalConveyanceReference = "KL1234",
            };
        });
        var released = Update(arrived.Declaration, d =>
        {
            d.Status = DeclarationStatus.Released;
            d.Clearance.State = ClearanceState.Released;
            d.Clearance.ReleaseTime = d.UpdateTime;
            d.SecurityAssessment = new SecurityAssessment { State = SecurityAssessmentState.Complete, CompleteTime = current.UpdateTime };
        }, requestId, requestId is null ? null : Hash("arrive " + requestId));
        var arrivedEvent = arrived.Event.Clone();
        arrivedEvent.Type = DeclarationEventType.Arrived;
        var releasedEvent = released.Event.Clone();
        releasedEvent.Type = DeclarationEventType.StatusChanged;
        return released with { Event = releasedEvent, EarlierEvents = [arrivedEvent], ExpectedRevision = current.Revision };
    }

    /// <summary>Facts with the given consignee key and value, optionally an assessment and agency flags.</summary>
    public static DeclarationFacts Facts(
        string consigneeKey, long intrinsicValueCents = 1_000, RiskAssessment? assessment = null, params string[] agencies) =>
        new(consigneeKey, intrinsicValueCents, assessment, agencies);

    /// <summary>An assessment of <paramref name="declaration"/>, told apart by its score.</summary>
    public static RiskAssessment Assessment(Declaration declaration, int score) => new()
    {
        Name = declaration.Name + "/riskAssessment",
        Score = score,
        RuleSetVersion = "2026-11",
        DeclarationRevision = declaration.Revision,
        AssessTime = declaration.UpdateTime,
    };

    /// <summary>The key named by a declaration's resource name.</summary>
    public static DeclarationKey KeyOf(Declaration declaration) =>
        ResourceNames.TryParseDeclaration(declaration.Name, out var key)
            ? key
            : throw new ArgumentException($"Not a declaration name: '{declaration.Name}'.", nameof(declaration));

    /// <summary>A stand-in for the core's hash of a request's content.</summary>
    public static byte[] Hash(string content) => SHA256.HashData(Encoding.UTF8.GetBytes(content));

    /// <summary>The event as a store hands it back: a copy with the cursor set.</summary>
    public static DeclarationEvent WithCursor(DeclarationEvent declarationEvent, long sequence)
    {
        var copy = declarationEvent.Clone();
        copy.Cursor = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return copy;
    }

    /// <summary>Where the next page starts when <paramref name="last"/> ended the previous one.</summary>
    public static ListPosition PositionAfter(Declaration last) =>
        new(last.CreateTime.ToDateTimeOffset(), KeyOf(last).DeclarationId);

    private static DeclarationWrite ToWrite(
        Declaration declaration, DeclarationEventType type, string? requestId, byte[]? requestHash, long expectedRevision)
    {
        var declarationEvent = new DeclarationEvent
        {
            Declaration = declaration.Name,
            Type = type,
            Status = declaration.Status,
            Revision = declaration.Revision,
            EventTime = declaration.UpdateTime,
            LocalReferenceNumber = declaration.LocalReferenceNumber,
            CustomsReference = declaration.CustomsReference,
        };
        var hash = requestId is null ? null : requestHash ?? Hash("request " + requestId);
        return new DeclarationWrite(KeyOf(declaration), declaration, declarationEvent, requestId, hash, expectedRevision);
    }

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    private static string Etag(string declarationId, long revision) =>
        $"\"{declarationId}-{revision.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
}
