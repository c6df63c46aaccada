using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Core.Validation;
using ContractProfile = Exchange.Contracts.Declaration.V1.DataSetProfile;

namespace Exchange.Core.Profiles;

/// <summary>
/// DataSetService's operations: the profiles, a filed declaration as a profile's data set, and
/// the check of a declaration before it is filed (the contract's rules and the profiles' data
/// sets, nothing stored).
/// </summary>
public sealed class DataSetWorkflow(DataSetProfiles profiles, DeclarationWorkflow declarations, TimeProvider clock, ProfileEnforcement? enforcement = null)
{
    // Without a configuration: only the profiles a declaration names are held to (as at submission).
    private readonly ProfileEnforcement _enforcement = enforcement ?? ProfileEnforcement.OnRequest(profiles);

    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 100;

    public ListDataSetProfilesResponse List(ListDataSetProfilesRequest request)
    {
        var violations = new List<FieldViolation>();
        if (request.PageSize < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        var offset = 0;
        if (request.PageToken.Length > 0 && !TryReadToken(request.PageToken, out offset))
        {
            violations.Add(new FieldViolation("page_token", "Not a page token of this list: pass next_page_token unchanged."));
        }
        RequestChecks.ThrowIfAny(violations);

        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var page = profiles.All.Skip(offset).Take(size).ToList();
        var response = new ListDataSetProfilesResponse { Profiles = { page.Select(ToContract) } };
        if (offset + page.Count < profiles.All.Count)
        {
            response.NextPageToken = Token(offset + page.Count);
        }
        return response;
    }

    public async Task<DeclarationDataSet> GetAsync(CallerIdentity caller, GetDeclarationDataSetRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var profile = ReadProfile(request.Profile, "profile", violations);
        RequestChecks.ReadDeclarationName(caller, request.Name, "name", violations);
        RequestChecks.ThrowIfAny(violations);
        var declaration = await declarations.GetAsync(caller, new GetDeclarationRequest { Name = request.Name }, cancellationToken);
        return ToContract(DataSets.Of(profile!, declaration));
    }

    public CheckDeclarationDataResponse Check(CallerIdentity caller, CheckDeclarationDataRequest request)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        if (request.Declaration is null)
        {
            violations.Add(new FieldViolation("declaration", "Required: the declaration as it would be submitted."));
        }
        var named = request.Profiles.Select((id, i) => ReadProfile(id, $"profiles[{i}]", violations)).ToList();
        RequestChecks.ThrowIfAny(violations);

        var declaration = request.Declaration!;
        // Unnamed: every profile the destination and channel call for, and those submission would
        // hold the declaration to (required by the administration, or named in the declaration).
        var unknown = new List<FieldViolation>();
        var chosen = named.Count > 0
            ? named.Select(p => p!).DistinctBy(p => p.Id).ToList()
            : profiles.For(declaration).Concat(_enforcement.HeldTo(declaration, "declaration", unknown)).Distinct().ToList();
        var dataSets = chosen.Select(p => DataSets.Of(p, declaration)).ToList();
        var problems = DeclarationValidator.Validate(declaration, "declaration", clock)
            .Concat(unknown)
            .Concat(dataSets.SelectMany(d => d.Violations("declaration")))
            .ToList();
        return new CheckDeclarationDataResponse
        {
            Complete = problems.Count == 0,
            Violations = { problems.Select(p => new Google.Rpc.BadRequest.Types.FieldViolation { Field = p.Field, Description = p.Description }) },
            DataSets = { dataSets.Select(ToContract) },
        };
    }

    private DataSetProfile? ReadProfile(string id, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(id))
        {
            violations.Add(new FieldViolation(field, "Required: a profile id, e.g. EU-ICS2-HOUSE-POSTAL (ListDataSetProfiles lists them)."));
            return null;
        }
        var profile = profiles.Find(id);
        if (profile is null)
        {
            violations.Add(new FieldViolation(field, $"No profile {Echo.Quote(id)} here; known: {string.Join(", ", profiles.All.Select(p => p.Id))}."));
        }
        return profile;
    }

    private static ContractProfile ToContract(DataSetProfile profile) => new()
    {
        Id = profile.Id,
        Version = profile.Version,
        Title = profile.Title,
        Standard = profile.Standard,
        Source = profile.Source,
        DestinationCountryCodes = { profile.Destinations.Order(StringComparer.Ordinal) },
        Channels = { profile.Channels.Order() },
        Elements =
        {
            profile.Elements.Select(e => new DataSetProfileElement
            {
                ElementId = e.ElementId,
                ElementName = e.ElementName,
                FieldPath = e.Path.Text,
                Required = e.Required,
                // The contract's format is words: the pattern's and the code list's, both when both apply.
                Format = string.Join("; ", new[] { e.PatternHint ?? e.Pattern?.ToString(), e.CodeListForm }.OfType<string>()),
            }),
        },
    };

    private static DeclarationDataSet ToContract(DataSet dataSet) => new()
    {
        Profile = dataSet.Profile.Id,
        ProfileVersion = dataSet.Profile.Version,
        Complete = dataSet.Complete,
        Values =
        {
            dataSet.Entries.Select(e => new DataSetValue
            {
                ElementId = e.Element.ElementId,
                ElementName = e.Element.ElementName,
                FieldPath = e.Path,
                Value = e.Value ?? "",
                Problem = e.Problem ?? "",
            }),
        },
    };

    // The offset of the next page, opaque to callers.
    private static string Token(int offset) => Convert.ToBase64String(Encoding.ASCII.GetBytes("profiles:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryReadToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            return text.StartsWith("profiles:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("profiles:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
