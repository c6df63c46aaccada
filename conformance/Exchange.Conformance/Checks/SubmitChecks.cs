using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Samples;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>SubmitDeclaration: acceptance, server-assigned fields, idempotency and the error model (declaration_service.proto, error_reason.proto).</summary>
internal static class SubmitChecks
{
    private const string Area = "Submit";

    public static IEnumerable<Check> All =>
    [
        new("submit.accepts-valid", Area, "Submit accepts a valid declaration and assigns name, customs reference, a status before arrival (ACCEPTED at revision 1, or decided), etag, create_time", AcceptsValidAsync),
        new("submit.keeps-content", Area, "The recorded declaration carries the filer's content unchanged", KeepsContentAsync),
        new("submit.ignores-output-only", Area, "Output-only fields sent by the filer are ignored", IgnoresOutputOnlyAsync),
        new("submit.idempotent-retry", Area, "A retry with the same request_id returns the identical declaration and stores one", IdempotentRetryAsync),
        new("submit.request-id-reused", Area, "The same request_id with other content is INVALID_ARGUMENT REQUEST_ID_REUSED", RequestIdReusedAsync),
        new("submit.validation-names-every-field", Area, "An invalid declaration is INVALID_ARGUMENT VALIDATION_FAILED naming every broken field, nothing stored", ValidationNamesEveryFieldAsync),
        new("submit.requires-request-id", Area, "A missing request_id is a field violation of request_id", RequiresRequestIdAsync),
        new("submit.requires-well-formed-parent", Area, "A malformed parent is a field violation of parent", RequiresWellFormedParentAsync),
        new("submit.requires-declaration", Area, "A missing declaration is a field violation of declaration", RequiresDeclarationAsync),
        new("submit.other-filer-parent", Area, "Submitting for another filer is PERMISSION_DENIED FILER_MISMATCH", OtherFilerParentAsync),
    ];

    private static async Task AcceptsValidAsync(CheckContext context)
    {
        var response = await Expect.SucceedsAsync("SubmitDeclaration of a valid postal gift",
            () => context.Client.SubmitDeclarationAsync(context.SubmitRequest()).ResponseAsync);

        Expect.NewlyAccepted(response.Declaration, context.Filer, "the accepted declaration");
    }

    private static async Task KeepsContentAsync(CheckContext context)
    {
        var sent = ConformanceSamples.ExpressMarketplaceSale(context.NewLrn());

        var response = await Expect.SucceedsAsync("SubmitDeclaration of a valid express marketplace sale",
            () => context.Client.SubmitDeclarationAsync(context.SubmitRequest(sent)).ResponseAsync);

        Expect.NewlyAccepted(response.Declaration, context.Filer, "the accepted declaration");
        Expect.SameDeclaration(sent, Expect.FilerContent(response.Declaration), "the filer-supplied content");
    }

    private static async Task IgnoresOutputOnlyAsync(CheckContext context)
    {
        var sent = ConformanceSamples.PostalGift(context.NewLrn());
        var past = Timestamp.FromDateTime(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        sent.Name = $"filers/{context.OtherFiler}/declarations/chosen-by-the-client";
        sent.CustomsReference = "01NLAAAAAAAAAAAAA0";
        sent.Status = DeclarationStatus.Released;
        sent.Revision = 42;
        sent.Etag = "etag-chosen-by-the-client";
        sent.CreateTime = past;
        sent.UpdateTime = past;

        var response = await Expect.SucceedsAsync("SubmitDeclaration with output-only fields set",
            () => context.Client.SubmitDeclarationAsync(context.SubmitRequest(sent)).ResponseAsync);

        var accepted = response.Declaration;
        Expect.NewlyAccepted(accepted, context.Filer, "the accepted declaration");
        Expect.That(accepted.Name != sent.Name, "the client's name was kept");
        Expect.That(accepted.CustomsReference != sent.CustomsReference, "the client's customs_reference was kept");
        Expect.That(accepted.Etag != sent.Etag, "the client's etag was kept");
        Expect.That(!past.Equals(accepted.CreateTime), "the client's create_time was kept");
        Expect.That(!past.Equals(accepted.UpdateTime), "the client's update_time was kept");
    }

    private static async Task IdempotentRetryAsync(CheckContext context)
    {
        var request = context.SubmitRequest();

        var first = await Expect.SucceedsAsync("SubmitDeclaration",
            () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);
        var retry = await Expect.SucceedsAsync("the identical retry of SubmitDeclaration",
            () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);

        Expect.SameDeclaration(first.Declaration, retry.Declaration, "the retry's declaration");
        var stored = await context.ListAllAsync(request.Declaration.LocalReferenceNumber);
        Expect.Equal(1, stored.Count, $"declarations listed with LRN {request.Declaration.LocalReferenceNumber} after a submission and its retry");
    }

    private static async Task RequestIdReusedAsync(CheckContext context)
    {
        var request = context.SubmitRequest();
        await Expect.SucceedsAsync("SubmitDeclaration", () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);
        var other = request.Clone();
        other.Declaration.LocalReferenceNumber = context.NewLrn();

        await Expect.FailsAsync("SubmitDeclaration of other content under a used request_id", StatusCode.InvalidArgument, "REQUEST_ID_REUSED",
            () => context.Client.SubmitDeclarationAsync(other).ResponseAsync);

        var stored = await context.ListAllAsync(other.Declaration.LocalReferenceNumber);
        Expect.Equal(0, stored.Count, "declarations stored by the refused submission");
    }

    private static async Task ValidationNamesEveryFieldAsync(CheckContext context)
    {
        var wrong = ConformanceSamples.PostalGift(context.NewLrn());
        wrong.TransportDocument.ItemIdentifier = "RB123456786CN"; // S10 check digit is 5, not 6
        wrong.Items[0].HsCode = "6117";                           // 6 to 10 digits
        wrong.Items[0].OriginCountryCode = "XX";                  // not an ISO 3166-1 alpha-2 code
        wrong.Items[0].NetWeightKg.Value = "0";                   // greater than zero
        wrong.Consignee = null;                                   // required

        var status = await Expect.FailsAsync("SubmitDeclaration with five broken fields", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.SubmitDeclarationAsync(context.SubmitRequest(wrong)).ResponseAsync);

        Expect.NamesFields(status, "the refusal",
            "declaration.transport_document.item_identifier",
            "declaration.items[0].hs_code",
            "declaration.items[0].origin_country_code",
            "declaration.items[0].net_weight_kg",
            "declaration.consignee");
        var stored = await context.ListAllAsync(wrong.LocalReferenceNumber);
        Expect.Equal(0, stored.Count, "declarations stored by the refused submission");
    }

    private static async Task RequiresRequestIdAsync(CheckContext context)
    {
        var request = context.SubmitRequest();
        request.RequestId = "";

        var status = await Expect.FailsAsync("SubmitDeclaration without request_id", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "request_id");
    }

    private static async Task RequiresWellFormedParentAsync(CheckContext context)
    {
        var request = context.SubmitRequest();
        request.Parent = $"filer/{context.Filer}";

        var status = await Expect.FailsAsync($"SubmitDeclaration with parent \"{request.Parent}\"", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "parent");
    }

    private static async Task RequiresDeclarationAsync(CheckContext context)
    {
        var request = context.SubmitRequest();
        request.Declaration = null;

        var status = await Expect.FailsAsync("SubmitDeclaration without a declaration", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "declaration");
    }

    private static async Task OtherFilerParentAsync(CheckContext context)
    {
        var request = context.SubmitRequest();
        request.Parent = $"filers/{context.OtherFiler}";

        await Expect.FailsAsync($"SubmitDeclaration as {context.Filer} for {request.Parent}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.Client.SubmitDeclarationAsync(request).ResponseAsync);
    }
}
