using Exchange.Testing.Hosting;
using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

public sealed class SubmitAndGetTests : IDisposable
{
    private const string Filer = "post-cn";
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task Submit_records_the_declaration_and_assigns_the_server_fields()
    {
        var client = _node.ClientFor(Filer);
        var sent = SampleDeclarations.ExpressMarketplaceSale();

        var accepted = (await client.SubmitDeclarationAsync(Requests.Submit(Filer, sent))).Declaration;

        Assert.Matches($"^filers/{Filer}/declarations/[a-z0-9]{{32}}$", accepted.Name);
        Assert.Matches(new Regex("^[0-9]{2}NL[A-Z0-9]{13}[0-9]$"), accepted.CustomsReference);
        Assert.Equal(MovementReferenceNumber.CheckDigit(accepted.CustomsReference.AsSpan(0, 17)), accepted.CustomsReference[17] - '0');
        Assert.Equal(DeclarationStatus.Accepted, accepted.Status);
        Assert.Equal(1, accepted.Revision);
        Assert.NotEmpty(accepted.Etag);
        Assert.NotNull(accepted.CreateTime);
        Assert.Equal(accepted.CreateTime, accepted.UpdateTime);
        // Both lifecycles start: registered for the risk analysis, lodged for clearance.
        Assert.Equal(SecurityAssessmentState.Registered, accepted.SecurityAssessment.State);
        Assert.Null(accepted.SecurityAssessment.CompleteTime);
        Assert.Equal(ClearanceState.Lodged, accepted.Clearance.State);
        // It names a master waybill no carrier has filed here: the filing is not complete yet.
        Assert.Equal(MasterConsignmentLinkState.MasterNotFiled, accepted.MasterConsignment.State);
        // Everything the filer sent comes back exactly (money and weights included).
        var content = accepted.Clone();
        content.Name = content.CustomsReference = content.Etag = "";
        content.Status = DeclarationStatus.Unspecified;
        content.Revision = 0;
        content.CreateTime = content.UpdateTime = null;
        content.SecurityAssessment = null;
        content.Clearance = null;
        content.MasterConsignment = null;
        Assert.Equal(sent, content);

        var fetched = (await client.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name })).Declaration;
        Assert.Equal(accepted, fetched);
    }

    [Fact]
    public async Task Output_only_fields_sent_by_a_filer_are_ignored()
    {
        var client = _node.ClientFor(Filer);
        var sent = SampleDeclarations.PostalGift();
        sent.Name = "filers/someone-else/declarations/abc";
        sent.Status = DeclarationStatus.Released;
        sent.CustomsReference = "26NLAAAAAAAAAAAAA0";
        sent.Revision = 42;

        var accepted = await client.SubmitAsync(Filer, sent);

        Assert.StartsWith($"filers/{Filer}/", accepted.Name);
        Assert.Equal(DeclarationStatus.Accepted, accepted.Status);
        Assert.Equal(1, accepted.Revision);
        Assert.NotEqual("26NLAAAAAAAAAAAAA0", accepted.CustomsReference);
    }

    [Fact]
    public async Task An_invalid_declaration_is_refused_with_every_violation_and_nothing_is_stored()
    {
        var client = _node.ClientFor(Filer);
        var wrong = SampleDeclarations.PostalGift();
        wrong.TransportDocument.ItemIdentifier = "RB123456786CN"; // wrong S10 check digit
        wrong.Items[0].HsCode = "6117";                            // too short
        wrong.Items[0].OriginCountryCode = "XX";                   // not an ISO 3166-1 code
        wrong.Consignee = null;                                   // required

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(Requests.Submit(Filer, wrong)).ResponseAsync);

        var fields = RpcErrors.ViolatedFields(status);
        Assert.Contains("declaration.transport_document.item_identifier", fields);
        Assert.Contains("declaration.items[0].hs_code", fields);
        Assert.Contains("declaration.items[0].origin_country_code", fields);
        Assert.Contains("declaration.consignee", fields);
        var list = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        Assert.Empty(list.Declarations);
    }

    [Fact]
    public async Task Envelope_errors_are_named_together_with_content_errors()
    {
        var client = _node.ClientFor(Filer);
        var request = Requests.Submit(Filer, requestId: "not-a-uuid");
        request.Parent = "filer/post-cn";
        request.Declaration.LocalReferenceNumber = "";

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(request).ResponseAsync);

        var fields = RpcErrors.ViolatedFields(status);
        Assert.Contains("parent", fields);
        Assert.Contains("request_id", fields);
        Assert.Contains("declaration.local_reference_number", fields);
    }

    [Fact]
    public async Task A_missing_declaration_is_named_as_such()
    {
        var client = _node.ClientFor(Filer);
        var request = Requests.Submit(Filer);
        request.Declaration = null;

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(request).ResponseAsync);

        Assert.Equal(["declaration"], RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public async Task A_retry_with_the_same_request_id_returns_the_first_answer()
    {
        var client = _node.ClientFor(Filer);
        var request = Requests.Submit(Filer);

        var first = (await client.SubmitDeclarationAsync(request)).Declaration;
        var retry = (await client.SubmitDeclarationAsync(request)).Declaration;

        Assert.Equal(first, retry);
        var list = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        Assert.Single(list.Declarations);
    }

    [Fact]
    public async Task The_same_request_id_with_other_content_is_refused()
    {
        var client = _node.ClientFor(Filer);
        var request = Requests.Submit(Filer);
        await client.SubmitDeclarationAsync(request);
        var changed = request.Clone();
        changed.Declaration.LocalReferenceNumber = "LRN-OTHER";

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED",
            () => client.SubmitDeclarationAsync(changed).ResponseAsync);

        Assert.Equal(["request_id"], RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public async Task The_same_request_id_from_two_filers_makes_two_declarations()
    {
        var requestId = Guid.NewGuid().ToString();
        var mine = await _node.ClientFor(Filer).SubmitDeclarationAsync(Requests.Submit(Filer, requestId: requestId));
        var theirs = await _node.ClientFor("express-nl").SubmitDeclarationAsync(Requests.Submit("express-nl", requestId: requestId));

        Assert.NotEqual(mine.Declaration.Name, theirs.Declaration.Name);
    }

    [Fact]
    public async Task A_caller_without_identity_is_unauthenticated()
    {
        var anonymous = _node.ClientFor(null);

        await RpcErrors.ExpectAsync(StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED",
            () => anonymous.SubmitDeclarationAsync(Requests.Submit(Filer)).ResponseAsync);
    }

    [Fact]
    public async Task A_filer_cannot_submit_for_read_or_list_another_filer()
    {
        var owner = _node.ClientFor(Filer);
        var stranger = _node.ClientFor("intruder");
        var declaration = await owner.SubmitAsync(Filer);

        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => stranger.SubmitDeclarationAsync(Requests.Submit(Filer)).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => stranger.GetDeclarationAsync(new GetDeclarationRequest { Name = declaration.Name }).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => stranger.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" }).ResponseAsync);
        var ownList = await stranger.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = "filers/intruder" });
        Assert.Empty(ownList.Declarations);
    }

    [Fact]
    public async Task Get_names_a_missing_or_malformed_declaration()
    {
        var client = _node.ClientFor(Filer);

        await RpcErrors.ExpectAsync(StatusCode.NotFound, "DECLARATION_NOT_FOUND",
            () => client.GetDeclarationAsync(new GetDeclarationRequest { Name = $"filers/{Filer}/declarations/nothing-here" }).ResponseAsync);
        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.GetDeclarationAsync(new GetDeclarationRequest { Name = "declarations/x" }).ResponseAsync);
        Assert.Equal(["name"], RpcErrors.ViolatedFields(status));
    }
}
