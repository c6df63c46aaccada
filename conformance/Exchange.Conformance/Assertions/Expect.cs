using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Google.Rpc;
using Grpc.Core;
using static Exchange.Conformance.Assertions.RpcErrorText;

namespace Exchange.Conformance.Assertions;

/// <summary>
/// The assertions checks are written with. Each failure reason says what was expected, what the
/// node did instead, and what it was doing, so a vendor can act on one report line.
/// </summary>
public static class Expect
{
    /// <summary>The domain of every ErrorInfo (error_reason.proto).</summary>
    public const string Domain = "exchange.ecommerce-customs.org";

    /// <summary>The customs reference format (declaration.proto: an18, 2-digit year, country, 13 characters, check character).</summary>
    public const string CustomsReferencePattern = "^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}[0-9]$";

    public static void That(bool condition, string failure)
    {
        if (!condition)
        {
            throw new CheckFailedException(failure);
        }
    }

    public static CheckFailedException Fail(string failure) => new(failure);

    public static void Equal<T>(T expected, T actual, string what) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: expected {Show(expected)}, got {Show(actual)}");

    public static void NotEmpty(string? value, string what) => That(!string.IsNullOrEmpty(value), $"{what} is empty");

    public static void Matches(string pattern, string? value, string what) =>
        That(value is not null && Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant), $"{what} {Show(value)} does not match {pattern}");

    /// <summary>Every item of <paramref name="expected"/>, in that order and nothing else.</summary>
    public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what)
    {
        var want = expected.ToList();
        var got = actual.ToList();
        That(want.SequenceEqual(got), $"{what}: expected [{string.Join(", ", want.Select(v => Show(v)))}], got [{string.Join(", ", got.Select(v => Show(v)))}]");
    }

    /// <summary>Runs a call the check judges: if the node refuses it, the check fails with the node's error.</summary>
    public static async Task<T> SucceedsAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            throw Fail($"{what} failed: {Describe(error)}");
        }
    }

    /// <summary>
    /// Runs a call that must be refused with <paramref name="code"/> and the ErrorInfo
    /// <paramref name="reason"/> (the contract's error model: see <see cref="Error(Google.Rpc.Status, string, StatusCode, string)"/>).
    /// </summary>
    public static async Task<Google.Rpc.Status> FailsAsync(string what, StatusCode code, string reason, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            if (error.StatusCode != code)
            {
                throw Fail($"{what}: expected {CodeName(code)} {reason}, got {Describe(error)}");
            }
            Google.Rpc.Status? status;
            try
            {
                status = error.GetRpcStatus();
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                throw Fail($"{what}: the grpc-status-details-bin trailer is not a google.rpc.Status");
            }
            if (status is null)
            {
                throw Fail($"{what}: {CodeName(code)} carries no google.rpc.Status (grpc-status-details-bin trailer) with an ErrorInfo");
            }
            That(status.Code == (int)code, $"{what}: the google.rpc.Status says code {status.Code}, the call ended with {(int)code}");
            return Error(status, what, code, reason);
        }
        throw Fail($"{what} succeeded; expected {CodeName(code)} {reason}");
    }

    /// <summary>
    /// A google.rpc.Status as error_reason.proto requires: the code, exactly one ErrorInfo with the
    /// domain and <paramref name="reason"/>, at most one BadRequest.
    /// </summary>
    public static Google.Rpc.Status Error(Google.Rpc.Status status, string what, StatusCode code, string reason)
    {
        That(status.Code == (int)code, $"{what}: expected {CodeName(code)}, got {CodeName((StatusCode)status.Code)} {DescribeDetails(status)}");
        var infos = status.Details.Where(d => d.Is(ErrorInfo.Descriptor)).Select(d => d.Unpack<ErrorInfo>()).ToList();
        That(infos.Count == 1, $"{what}: expected exactly one ErrorInfo, got {infos.Count} {DescribeDetails(status)}");
        Equal(reason, infos[0].Reason, $"{what}: ErrorInfo.reason");
        Equal(Domain, infos[0].Domain, $"{what}: ErrorInfo.domain");
        var badRequests = status.Details.Count(d => d.Is(BadRequest.Descriptor));
        That(badRequests <= 1, $"{what}: expected at most one BadRequest, got {badRequests}");
        return status;
    }

    /// <summary>The status's one BadRequest names each of <paramref name="fields"/> (by path, e.g. <c>declaration.items[0].hs_code</c>).</summary>
    public static void NamesFields(Google.Rpc.Status status, string what, params string[] fields)
    {
        var named = status.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList();
        That(named is not null, $"{what}: no BadRequest naming {string.Join(", ", fields)}");
        var missing = fields.Where(f => !named!.Contains(f)).ToList();
        That(missing.Count == 0,
            $"{what}: the BadRequest does not name {string.Join(", ", missing)}; it names [{string.Join(", ", named!)}]");
    }

    /// <summary>The same declaration, field by field (the reason names the fields that differ).</summary>
    public static void SameDeclaration(Declaration expected, Declaration? actual, string what)
    {
        That(actual is not null, $"{what}: no declaration in the response");
        if (expected.Equals(actual))
        {
            return;
        }
        var differences = Declaration.Descriptor.Fields.InDeclarationOrder()
            .Where(field => !Equals(field.Accessor.GetValue(expected), field.Accessor.GetValue(actual)))
            .Select(field => $"{field.Name} {Show(field.Accessor.GetValue(expected))} became {Show(field.Accessor.GetValue(actual))}");
        throw Fail($"{what} differs: {string.Join("; ", differences)}");
    }

    /// <summary>
    /// The declaration after the same presentation again: unchanged, field by field. A node that
    /// decides later may have decided it meanwhile (a new revision); then only what the
    /// presentation fixed is compared: the filer's content, the arrival and the unchanged
    /// presentation_time, with the clearance still PRESENTED or moved on to a final state, and the
    /// new revision must show that decision (status, security assessment or clearance). Returns a
    /// note when it moved on, null when it is unchanged.
    /// </summary>
    public static string? SamePresentation(Declaration presented, Declaration? actual, string what)
    {
        That(actual is not null, $"{what}: no declaration in the response");
        if (actual!.Revision == presented.Revision)
        {
            SameDeclaration(presented, actual, what);
            return null;
        }
        That(actual.Revision > presented.Revision, $"{what}: revision went back from {presented.Revision} to {actual.Revision}");
        Equal(presented.Name, actual.Name, $"{what}: name");
        SameDeclaration(FilerContent(presented), FilerContent(actual), $"{what}: the filer's content");
        Equal(presented.Clearance?.ArriveTime, actual.Clearance?.ArriveTime, $"{what}: clearance.arrive_time");
        Equal(presented.Clearance?.PresentationTime, actual.Clearance?.PresentationTime,
            $"{what}: clearance.presentation_time (a repeated presentation must not change it)");
        var clearance = actual.Clearance?.State ?? ClearanceState.Unspecified;
        That(clearance is ClearanceState.Presented or ClearanceState.Released or ClearanceState.NotReleased,
            $"{what}: clearance.state should stay PRESENTED or be final (RELEASED, NOT_RELEASED); got {ProtoName(clearance)}");
        var decided = actual.Status != presented.Status
            || !Equals(actual.SecurityAssessment?.State, presented.SecurityAssessment?.State)
            || clearance != presented.Clearance?.State;
        That(decided, $"{what}: revision {presented.Revision} became {actual.Revision} with status, security assessment and clearance unchanged: a repeated presentation changes nothing");
        return $"decided meanwhile: {ProtoName(presented.Status)} became {ProtoName(actual.Status)}, clearance {ProtoName(clearance)}";
    }

    /// <summary>What SubmitDeclarationResponse promises: name, customs reference, ACCEPTED, revision 1, etag, create_time.</summary>
    public static void NewlyAccepted(Declaration? declaration, string filer, string what)
    {
        That(declaration is not null, $"{what}: no declaration in the response");
        Matches($"^filers/{Regex.Escape(filer)}/declarations/[^/]+$", declaration!.Name, $"{what}: name");
        // A conforming node may decide at once or later (declaration.proto, DeclarationStatus):
        // ACCEPTED at revision 1, or already decided; never released, as the goods have not arrived.
        BeforeArrival(declaration.Status, $"{what}: status");
        That(declaration.Status != DeclarationStatus.Accepted || declaration.Revision == 1,
            $"{what}: revision should be 1 while ACCEPTED; got {declaration.Revision}");
        That(declaration.Revision >= 1, $"{what}: revision should be at least 1; got {declaration.Revision}");
        NotEmpty(declaration.Etag, $"{what}: etag");
        Matches(CustomsReferencePattern, declaration.CustomsReference, $"{what}: customs_reference");
        That(declaration.CreateTime is not null, $"{what}: create_time is not set");
    }

    /// <summary>A status a declaration may have before its goods arrive: accepted, or decided but not released.</summary>
    public static void BeforeArrival(DeclarationStatus status, string what) =>
        That(status is DeclarationStatus.Accepted or DeclarationStatus.UnderReview or DeclarationStatus.Assessed
                or DeclarationStatus.Held or DeclarationStatus.Rejected,
            $"{what} should be ACCEPTED, UNDER_REVIEW, ASSESSED, HELD or REJECTED before arrival; got {RpcErrorText.ProtoName(status)}");

    /// <summary>
    /// The declaration without what the server assigns: what the filer supplied. Every field the
    /// contract marks OUTPUT_ONLY is cleared, so fields added later are covered too.
    /// </summary>
    public static Declaration FilerContent(Declaration declaration)
    {
        var content = declaration.Clone();
        foreach (var field in Declaration.Descriptor.Fields.InFieldNumberOrder())
        {
            var behaviors = field.GetOptions()?.GetExtension(Google.Api.FieldBehaviorExtensions.FieldBehavior);
            if (behaviors is not null && behaviors.Contains(Google.Api.FieldBehavior.OutputOnly))
            {
                field.Accessor.Clear(content);
            }
        }
        return content;
    }
}
