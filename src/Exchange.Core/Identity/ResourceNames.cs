using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Exchange.Core.Identity;

/// <summary>
/// Resource names of the contract: <c>filers/{filer}</c> and
/// <c>filers/{filer}/declarations/{declaration}</c>. Ids follow AIP-122: lower-case letters,
/// digits and hyphens, starting with a letter or digit, at most 63 characters.
/// </summary>
public static partial class ResourceNames
{
    public const string FilersCollection = "filers/";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public static string Filer(string filerId) => FilersCollection + filerId;

    public static string Declaration(string filerId, string declarationId) =>
        $"{FilersCollection}{filerId}/declarations/{declarationId}";

    /// <summary>Reads <c>filers/{filer}</c>.</summary>
    public static bool TryParseFiler(string? name, [NotNullWhen(true)] out string? filerId)
    {
        filerId = null;
        if (name is null || !name.StartsWith(FilersCollection, StringComparison.Ordinal))
        {
            return false;
        }
        var id = name[FilersCollection.Length..];
        if (!IsValidId(id))
        {
            return false;
        }
        filerId = id;
        return true;
    }

    public static string Consignment(string filerId, string consignmentId) =>
        $"{FilersCollection}{filerId}/consignments/{consignmentId}";

    /// <summary>Reads <c>filers/{filer}/consignments/{consignment}</c>.</summary>
    public static bool TryParseConsignment(string? name, [NotNullWhen(true)] out string? filerId, [NotNullWhen(true)] out string? consignmentId)
    {
        filerId = consignmentId = null;
        var parts = name?.Split('/');
        if (parts is not { Length: 4 } || parts[0] != "filers" || parts[2] != "consignments" || !IsValidId(parts[1]) || !IsValidId(parts[3]))
        {
            return false;
        }
        (filerId, consignmentId) = (parts[1], parts[3]);
        return true;
    }

    /// <summary>
    /// Reads the name of a declaration the node itself stored, so well formed: a malformed one is a
    /// fault of the node (an internal error), never the caller's bad input.
    /// </summary>
    public static DeclarationKey StoredDeclaration(string name) =>
        TryParseDeclaration(name, out var key) ? key : throw new InvalidOperationException($"A stored declaration has a malformed name: '{name}'.");

    /// <summary>Reads the name of a consignment the node itself stored; see <see cref="StoredDeclaration"/>.</summary>
    public static (string FilerId, string ConsignmentId) StoredConsignment(string name) =>
        TryParseConsignment(name, out var filerId, out var consignmentId)
            ? (filerId, consignmentId)
            : throw new InvalidOperationException($"A stored consignment has a malformed name: '{name}'.");

    /// <summary>Reads <c>filers/{filer}/declarations/{declaration}</c>.</summary>
    public static bool TryParseDeclaration(string? name, [NotNullWhen(true)] out DeclarationKey? key)
    {
        key = null;
        var parts = name?.Split('/');
        if (parts is not { Length: 4 } || parts[0] != "filers" || parts[2] != "declarations"
            || !IsValidId(parts[1]) || !IsValidId(parts[3]))
        {
            return false;
        }
        key = new DeclarationKey(parts[1], parts[3]);
        return true;
    }
}

/// <summary>The two ids that make a declaration's name.</summary>
public sealed record DeclarationKey(string FilerId, string DeclarationId)
{
    public string Name => ResourceNames.Declaration(FilerId, DeclarationId);

    public override string ToString() => Name;
}
