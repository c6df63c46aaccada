using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf;

namespace Exchange.Server.Tests.Json;

/// <summary>The declaration service as HTTP/JSON (google.api.http mappings, gRPC JSON transcoding).</summary>
public sealed class JsonTranscodingTests : IDisposable
{
    private const string Filer = "json-filer";
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    private HttpClient Http(string? filer = Filer)
    {
        var http = _node.CreateClient();
        if (filer is not null)
        {
            http.DefaultRequestHeaders.Add(DevelopmentHeaderIdentityResolver.HeaderName, filer);
        }
        return http;
    }

    private static StringContent Json(IMessage message) =>
        new(JsonFormatter.Default.Format(message), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_declaration_is_submitted_read_and_listed_as_JSON()
    {
        var http = Http();

        var submitted = await http.PostAsync(
            $"/v1/filers/{Filer}/declarations?requestId={Guid.NewGuid()}", Json(SampleDeclarations.ExpressMarketplaceSale()));

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var declaration = (await ReadAsync(submitted)).GetProperty("declaration");
        var name = declaration.GetProperty("name").GetString()!;
        Assert.StartsWith($"filers/{Filer}/declarations/", name);
        Assert.Equal("DECLARATION_STATUS_ACCEPTED", declaration.GetProperty("status").GetString());
        // Money stays exact in JSON: units as a string, nanos as an integer.
        Assert.Equal("39", declaration.GetProperty("items")[0].GetProperty("value").GetProperty("units").GetString());

        var fetched = await http.GetAsync($"/v1/{name}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        var parsed = JsonParser.Default.Parse<GetDeclarationResponse>(await fetched.Content.ReadAsStringAsync());
        Assert.Equal(SampleDeclarations.ExpressMarketplaceSale().Items, parsed.Declaration.Items);

        var listed = await ReadAsync(await http.GetAsync($"/v1/filers/{Filer}/declarations?pageSize=10"));
        Assert.Equal(name, listed.GetProperty("declarations")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_refusal_is_a_google_rpc_Status_in_JSON_with_every_field_violation()
    {
        var wrong = SampleDeclarations.PostalGift();
        wrong.Items[0].HsCode = "12";
        wrong.Consignee = null;

        var response = await Http().PostAsync($"/v1/filers/{Filer}/declarations?requestId={Guid.NewGuid()}", Json(wrong));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await ReadAsync(response);
        Assert.Equal(3, status.GetProperty("code").GetInt32());
        var details = status.GetProperty("details").EnumerateArray().ToList();
        var info = Assert.Single(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
        Assert.Equal("VALIDATION_FAILED", info.GetProperty("reason").GetString());
        var badRequest = Assert.Single(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest");
        var fields = badRequest.GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Contains("declaration.items[0].hs_code", fields);
        Assert.Contains("declaration.consignee", fields);
    }

    [Fact]
    public async Task Amend_and_cancel_are_custom_methods()
    {
        var http = Http();
        var accepted = await _node.ClientFor(Filer).SubmitAsync(Filer);

        var amended = await http.PostAsync($"/v1/{accepted.Name}:amend", Json(new AmendDeclarationRequest
        {
            Declaration = new Declaration(accepted) { Remarks = "amended over JSON" }, Etag = accepted.Etag,
        }));
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        var etag = (await ReadAsync(amended)).GetProperty("declaration").GetProperty("etag").GetString()!;

        var stale = await http.PostAsync($"/v1/{accepted.Name}:cancel", Json(new CancelDeclarationRequest { Etag = accepted.Etag, Reason = "stale" }));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode); // ABORTED maps to 409

        var cancelled = await http.PostAsync($"/v1/{accepted.Name}:cancel", Json(new CancelDeclarationRequest { Etag = etag, Reason = "Duplicate order" }));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("DECLARATION_STATUS_CANCELLED", (await ReadAsync(cancelled)).GetProperty("declaration").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_caller_without_identity_gets_401_and_another_filer_403()
    {
        var anonymous = await Http(filer: null).GetAsync($"/v1/filers/{Filer}/declarations");
        var stranger = await Http("someone-else").GetAsync($"/v1/filers/{Filer}/declarations");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
    }

    [Fact]
    public async Task The_node_serves_an_OpenAPI_description_with_the_contract_comments()
    {
        var response = await Http().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await ReadAsync(response);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        // One path per resource pattern (the URL a client builds), so the four "GET /v1/{name=...}" methods stay apart.
        Assert.Contains("/v1/filers/{filer}/declarations", paths);
        Assert.Contains("/v1/filers/{filer}/declarations/{declaration}", paths);
        Assert.Contains("/v1/programmes/{programme}/enrolments/{enrolment}", paths);
        Assert.Contains("/v1/filers/{filer}/declarations/{declaration}/riskAssessment", paths);
        Assert.Contains(paths, p => p.EndsWith(":amend", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith(":decide", StringComparison.Ordinal));
        Assert.Contains("durably", document.GetProperty("paths").GetProperty("/v1/filers/{filer}/declarations").GetProperty("post").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task The_real_node_serves_JSON_over_HTTP_1_1_on_its_second_endpoint()
    {
        using var directory = new TempDirectory();
        using var server = await ServerProcess.StartAsync(directory.Path);
        using var http = new HttpClient { BaseAddress = server.HttpAddress, DefaultRequestVersion = HttpVersion.Version11 };
        http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        http.DefaultRequestHeaders.Add(DevelopmentHeaderIdentityResolver.HeaderName, Filer);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var wrong = SampleDeclarations.PostalGift();
        wrong.TransportDocument.ItemIdentifier = "RB123456786CN";
        var refused = await http.PostAsync($"/v1/filers/{Filer}/declarations?requestId={Guid.NewGuid()}", Json(wrong));
        var accepted = await http.PostAsync($"/v1/filers/{Filer}/declarations?requestId={Guid.NewGuid()}", Json(SampleDeclarations.PostalGift()));

        Assert.Equal(HttpVersion.Version11, refused.Version);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("declaration.transport_document.item_identifier", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
