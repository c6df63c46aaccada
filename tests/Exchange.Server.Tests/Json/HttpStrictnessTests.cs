using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Server.Identity;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf;

namespace Exchange.Server.Tests.Json;

/// <summary>
/// Over HTTP/JSON a field the contract does not define is refused, not dropped, and every HTTP
/// error, the framework's own included, is a google.rpc.Status in JSON.
/// </summary>
public sealed class HttpStrictnessTests : IDisposable
{
    private const string Filer = "json-filer";
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    private HttpClient Http()
    {
        var http = _node.CreateClient();
        http.DefaultRequestHeaders.Add(DevelopmentHeaderIdentityResolver.HeaderName, Filer);
        return http;
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static JsonNode Declaration() => JsonNode.Parse(JsonFormatter.Default.Format(SampleDeclarations.PostalGift()))!;

    [Fact]
    public async Task Unknown_fields_in_the_body_are_refused_by_path_and_nothing_is_stored()
    {
        var body = Declaration();
        body["remark"] = "a misspelt remarks";
        body["items"]![0]!["hsCodee"] = "950300";
        body["consignee"]!["address"]!["town"] = "Utrecht";

        var response = await Http().PostAsync($"/v1/filers/{Filer}/declarations?requestId={Guid.NewGuid()}", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (code, reason, fields) = await ReadStatusAsync(response);
        Assert.Equal(3, code);
        Assert.Equal("VALIDATION_FAILED", reason);
        Assert.Equal(["declaration.consignee.address.town", "declaration.items[0].hsCodee", "declaration.remark"], fields.Order(StringComparer.Ordinal));
        Assert.Empty((await _node.ClientFor(Filer).ListDeclarationsAsync(new() { Parent = $"filers/{Filer}" })).Declarations);
    }

    [Fact]
    public async Task Known_fields_by_their_JSON_or_proto_names_are_accepted()
    {
        var body = Declaration();
        body["local_reference_number"] = body["localReferenceNumber"]!.GetValue<string>();
        body.AsObject().Remove("localReferenceNumber");

        var response = await Http().PostAsync($"/v1/filers/{Filer}/declarations?request_id={Guid.NewGuid()}", Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_query_parameter_is_refused_by_name()
    {
        var known = await Http().GetAsync($"/v1/filers/{Filer}/declarations?pageSize=10&page_size=10");
        var unknown = await Http().GetAsync($"/v1/filers/{Filer}/declarations?pageSize=10&pagesize=5&filter.nothing=1");

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var (code, _, fields) = await ReadStatusAsync(unknown);
        Assert.Equal(3, code);
        Assert.Equal(["filter.nothing", "pagesize"], fields.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/v1/nothing/here", HttpStatusCode.NotFound, 5)]
    [InlineData("PUT", "/v1/filers/json-filer/declarations", HttpStatusCode.MethodNotAllowed, 12)]
    [InlineData("PATCH", "/v1/filers/json-filer/declarations/0192aaaa:amend", HttpStatusCode.MethodNotAllowed, 12)]
    public async Task A_framework_error_is_a_google_rpc_Status(string method, string path, HttpStatusCode expected, int code)
    {
        var response = await Http().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await ReadStatusAsync(response)).Code);
    }

    [Fact]
    public async Task A_grpc_call_over_HTTP_1_1_is_told_to_use_HTTP_2_in_a_google_rpc_Status()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/exchange.declaration.v1.DeclarationService/GetDeclaration")
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new("application/grpc");

        var response = await Http().SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal(9, (await ReadStatusAsync(response)).Code); // FAILED_PRECONDITION
    }

    private static async Task<(int Code, string? Reason, string[] Fields)> ReadStatusAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(text), $"HTTP {(int)response.StatusCode} with an empty body");
        var status = JsonDocument.Parse(text).RootElement;
        var details = status.TryGetProperty("details", out var d) ? d.EnumerateArray().ToList() : [];
        var reason = details.FirstOrDefault(x => x.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo") is { ValueKind: JsonValueKind.Object } info
            ? info.GetProperty("reason").GetString()
            : null;
        var fields = details.Where(x => x.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest")
            .SelectMany(x => x.GetProperty("fieldViolations").EnumerateArray()).Select(v => v.GetProperty("field").GetString()!).ToArray();
        return (status.GetProperty("code").GetInt32(), reason, fields);
    }
}
