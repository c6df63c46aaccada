using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;
using Exchange.Server.Grpc;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Tests.Wire;

/// <summary>
/// A refusal's details fit in what gRPC clients accept (issue 18, finding 3): 400 items with a
/// bad HS code and origin made about 800 violations, a trailer past 64 KB, and the .NET client
/// reported UNAVAILABLE. The BadRequest now carries the first violations within
/// <see cref="ErrorStatuses.MaxViolationBytes"/> and ErrorInfo counts the rest.
/// </summary>
public sealed class ErrorDetailsSizeTests
{
    /// <summary>What the whole grpc-status-details-bin trailer value (base64) must stay under: half of grpc-core's 8 KiB.</summary>
    private const int TrailerBudget = 4096;

    private static Declaration FourHundredBadItems()
    {
        var declaration = SampleDeclarations.PostalGift();
        var item = declaration.Items[0];
        item.HsCode = "12ab";
        item.OriginCountryCode = "z9";
        declaration.Items.Clear();
        declaration.Items.Add(Enumerable.Range(0, 400).Select(_ => item.Clone()));
        return declaration;
    }

    /// <summary>Every violation the validator finds, in its order: what the status must list the start of and count the rest of.</summary>
    private static IReadOnlyList<Core.Validation.FieldViolation> AllViolations(Declaration declaration) =>
        DeclarationValidator.Validate(declaration, "declaration");

    [Fact]
    public async Task Hundreds_of_violations_fit_in_the_trailer_and_the_rest_are_counted()
    {
        using var node = new RawGrpcNode();
        var declaration = FourHundredBadItems();
        var all = AllViolations(declaration);
        Assert.True(all.Count >= 800, $"the fixture should make about 800 violations, made {all.Count}");

        var answer = await node.CallAsync(RawGrpcNode.Submit,
            RawGrpcNode.Frame(Requests.Submit(RawGrpcNode.Filer, declaration).ToByteArray()));

        Assert.Equal(StatusCode.InvalidArgument, answer.Code);
        Assert.Equal("VALIDATION_FAILED", answer.Info?.Reason);
        Assert.InRange(answer.DetailsTrailerLength, 1, TrailerBudget);
        AssertFirstListedRestCounted(all, answer.Details!.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>(),
            answer.Info!.Metadata);
    }

    [Fact]
    public async Task The_dotnet_client_receives_the_status_over_real_HTTP2_not_unavailable()
    {
        using var directory = new TempDirectory();
        using var server = await ServerProcess.StartAsync(directory.Path);
        using var channel = server.OpenChannel();
        var client = new DeclarationService.DeclarationServiceClient(channel.Intercept(metadata =>
        {
            metadata.Add(DevelopmentHeaderIdentityResolver.FilerHeader, RawGrpcNode.Filer);
            return metadata;
        }));
        var declaration = FourHundredBadItems();

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(Requests.Submit(RawGrpcNode.Filer, declaration)).ResponseAsync);

        AssertFirstListedRestCounted(AllViolations(declaration), status.GetDetail<BadRequest>()!, status.GetDetail<ErrorInfo>()!.Metadata);
    }

    [Fact]
    public async Task Over_HTTP_JSON_the_same_bounded_status_is_the_body()
    {
        using var node = new ExchangeNode();
        using var http = node.CreateClient();
        http.DefaultRequestHeaders.Add(DevelopmentHeaderIdentityResolver.FilerHeader, RawGrpcNode.Filer);
        var declaration = FourHundredBadItems();

        var response = await http.PostAsync($"/v1/filers/{RawGrpcNode.Filer}/declarations?requestId={Guid.NewGuid()}",
            new StringContent(JsonFormatter.Default.Format(declaration), Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var status = JsonParser.Default.Parse<Google.Rpc.Status>(await response.Content.ReadAsStringAsync()
            .ContinueWith(body => WithoutTypedDetails(body.Result), TaskScheduler.Default));
        Assert.Equal((int)Code.InvalidArgument, status.Code);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var details = json.RootElement.GetProperty("details").EnumerateArray().ToList();
        var info = details.Single(d => d.GetProperty("@type").GetString()!.EndsWith("google.rpc.ErrorInfo", StringComparison.Ordinal));
        var badRequest = details.Single(d => d.GetProperty("@type").GetString()!.EndsWith("google.rpc.BadRequest", StringComparison.Ordinal));
        var listed = badRequest.GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()!).ToList();
        var omitted = int.Parse(info.GetProperty("metadata").GetProperty("omitted_violations").GetString()!, CultureInfo.InvariantCulture);
        var all = AllViolations(declaration);
        Assert.Equal(all.Count, listed.Count + omitted);
        Assert.Equal(all.Take(listed.Count).Select(v => v.Field), listed);
    }

    /// <summary>The status as JSON with its details dropped, so the generic parser needs no type registry.</summary>
    private static string WithoutTypedDetails(string body)
    {
        using var json = JsonDocument.Parse(body);
        return JsonSerializer.Serialize(new { code = json.RootElement.GetProperty("code").GetInt32(), message = json.RootElement.GetProperty("message").GetString() });
    }

    private static void AssertFirstListedRestCounted(
        IReadOnlyList<Core.Validation.FieldViolation> all, BadRequest badRequest, IDictionary<string, string> infoMetadata)
    {
        var listed = badRequest.FieldViolations;
        Assert.InRange(listed.Count, 1, all.Count - 1);
        Assert.Equal(all.Take(listed.Count).Select(v => v.Field), listed.Select(v => v.Field));
        Assert.Equal((all.Count - listed.Count).ToString(CultureInfo.InvariantCulture), infoMetadata["omitted_violations"]);
        Assert.True(badRequest.CalculateSize() <= ErrorStatuses.MaxViolationBytes, $"BadRequest of {badRequest.CalculateSize()} bytes");
    }
}
