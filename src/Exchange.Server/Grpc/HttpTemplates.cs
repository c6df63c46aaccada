using System.Text;
using Google.Api;

namespace Exchange.Server.Grpc;

/// <summary>The URL template of a google.api.http rule, as written in the contract, and the plain URL pattern it stands for.</summary>
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

    /// <summary>
    /// The URL pattern a template matches, one <c>{parameter}</c> per wildcard segment, e.g.
    /// <c>/v1/{name=filers/*/declarations/*}:cancel</c> is <c>/v1/filers/{filer}/declarations/{declaration}:cancel</c>.
    /// A wildcard's parameter is named after the collection before it (AIP-122: <c>filers/{filer}</c>).
    /// Grammar: google/api/http.proto ("Path template syntax"). A plain <c>{field}</c> stays as written.
    /// </summary>
    public static ResolvedTemplate Resolve(string template)
    {
        var path = new StringBuilder();
        var parameters = new List<TemplateParameter>();
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0)
            {
                path.Append(template, position, template.Length - position);
                break;
            }
            path.Append(template, position, open - position);
            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"Unclosed variable in the HTTP template '{template}'.");
            }
            var variable = template[(open + 1)..close];
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                path.Append('{').Append(variable).Append('}');
                parameters.Add(new TemplateParameter(variable, variable, variable));
            }
            else
            {
                var field = variable[..equals];
                var segments = variable[(equals + 1)..].Split('/');
                var resolved = new List<string>();
                for (var i = 0; i < segments.Length; i++)
                {
                    if (segments[i] is "*" or "**")
                    {
                        var name = Unique(ParameterName(i > 0 ? segments[i - 1] : field), parameters);
                        parameters.Add(new TemplateParameter(name, field, variable[(equals + 1)..]));
                        resolved.Add("{" + name + "}");
                    }
                    else
                    {
                        resolved.Add(segments[i]);
                    }
                }
                path.Append(string.Join('/', resolved));
            }
            position = close + 1;
        }
        return new ResolvedTemplate(path.ToString(), parameters);
    }

    /// <summary>The singular of a collection id ("filers" → "filer", "agencies" → "agency"), the AIP-122 variable name.</summary>
    private static string ParameterName(string collection) =>
        collection.EndsWith("ies", StringComparison.Ordinal) ? collection[..^3] + "y"
        : collection.EndsWith('s') ? collection[..^1]
        : collection.Replace('.', '_');

    private static string Unique(string name, List<TemplateParameter> taken)
    {
        var candidate = name;
        for (var n = 2; taken.Any(p => p.Name == candidate); n++)
        {
            candidate = name + n;
        }
        return candidate;
    }
}

/// <summary>A template's URL pattern and its parameters, in order.</summary>
public sealed record ResolvedTemplate(string Path, IReadOnlyList<TemplateParameter> Parameters);

/// <summary>
/// One <c>{Name}</c> of a resolved pattern: a segment of the request field <paramref name="Field"/>
/// (e.g. <c>name</c>), whose value follows <paramref name="Pattern"/> (e.g. <c>filers/*/declarations/*</c>).
/// </summary>
public sealed record TemplateParameter(string Name, string Field, string Pattern)
{
    /// <summary>True for a plain <c>{field}</c>: the whole field is the parameter.</summary>
    public bool IsWholeField => Name == Field && Pattern == Field;
}
