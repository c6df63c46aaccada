using Google.Api;

namespace Exchange.Server.Grpc;

/// <summary>The URL template of a google.api.http rule, as written in the contract.</summary>
public static class HttpTemplates
{
    public static string Of(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        HttpRule.PatternOneofCase.Custom => rule.Custom.Path,
        _ => "",
    };
}
