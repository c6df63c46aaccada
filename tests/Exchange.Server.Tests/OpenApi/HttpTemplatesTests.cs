using Exchange.Server.Grpc;

namespace Exchange.Server.Tests.OpenApi;

public sealed class HttpTemplatesTests
{
    [Theory]
    [InlineData("/v1/{parent=filers/*}/declarations", "/v1/filers/{filer}/declarations")]
    [InlineData("/v1/{name=filers/*/declarations/*}:cancel", "/v1/filers/{filer}/declarations/{declaration}:cancel")]
    [InlineData("/v1/{declaration.name=filers/*/declarations/*}:amend", "/v1/filers/{filer}/declarations/{declaration}:amend")]
    [InlineData("/v1/{name=filers/*/declarations/*/riskAssessment}", "/v1/filers/{filer}/declarations/{declaration}/riskAssessment")]
    [InlineData("/v1/{parent=agencies/*}/subscriptions", "/v1/agencies/{agency}/subscriptions")]
    [InlineData("/v1/enforcement/{name=filers/*/declarations/*}", "/v1/enforcement/filers/{filer}/declarations/{declaration}")]
    [InlineData("/v1/messages/{message_id}", "/v1/messages/{message_id}")]
    [InlineData("/v1/programmes:lookupKnownShipper", "/v1/programmes:lookupKnownShipper")]
    public void A_template_resolves_to_the_URL_pattern_a_client_builds(string template, string expected) =>
        Assert.Equal(expected, HttpTemplates.Resolve(template).Path);

    [Fact]
    public void Each_wildcard_is_a_parameter_of_the_field_it_belongs_to()
    {
        var resolved = HttpTemplates.Resolve("/v1/{name=filers/*/declarations/*/referrals/*}:respond");

        Assert.Equal(
            [("filer", "name"), ("declaration", "name"), ("referral", "name")],
            resolved.Parameters.Select(p => (p.Name, p.Field)));
        Assert.All(resolved.Parameters, p => Assert.Equal("filers/*/declarations/*/referrals/*", p.Pattern));
    }
}
