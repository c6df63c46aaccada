using Exchange.Core.Configuration;
using System.Collections.Frozen;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// The watch list: the parties of the declaration (seller, consignor, consignee, deliver-to party,
/// declarant) and the marketplace's seller id against the administration's entries, matched on
/// the normalised name (optionally only in one country), the normalised address (a street line,
/// the postcode and the country), or an identifier (EORI or tax id, either way round; marketplace
/// seller id). Normalisation is <see cref="PartyNormaliser"/>'s, so case, accents, punctuation and
/// spacing never hide a match. One hit per matching entry, saying which parties matched and on what.
/// </summary>
internal sealed class WatchListRule : RiskRule
{
    private const char Separator = '|';
    // Names and street lines are at most 70 characters (WCO DM an..70), postcodes 17: a folded
    // key fits here; longer (unvalidated) text goes to the heap.
    private const int StackKeyLength = 192;

    private readonly Entry[] _entries;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _names;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _namesInCountry;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _addresses;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _identifiers;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _sellerIds;
    private readonly bool _matchesNames;
    private readonly bool _matchesAddresses;
    private readonly bool _matchesIdentifiers;
    private readonly bool _matchesSellerIds;

    private WatchListRule(RuleHeader header, Entry[] entries, Keys keys) : base(header)
    {
        _entries = entries;
        _names = Freeze(keys.Names);
        _namesInCountry = Freeze(keys.NamesInCountry);
        _addresses = Freeze(keys.Addresses);
        _identifiers = Freeze(keys.Identifiers);
        _sellerIds = Freeze(keys.SellerIds);
        _matchesNames = keys.Names.Count + keys.NamesInCountry.Count > 0;
        _matchesAddresses = keys.Addresses.Count > 0;
        _matchesIdentifiers = keys.Identifiers.Count > 0;
        _matchesSellerIds = keys.SellerIds.Count > 0;
    }

    /// <summary>One entry of the list (officer-facing: its id and label appear in hits).</summary>
    private sealed record Entry(string Id, string Label, int Weight);

    /// <summary>A party field that matched an entry.</summary>
    private readonly record struct Finding(int Entry, string Party, string What, string FieldPath);

    /// <summary>The entries' keys while the list is read, by what they match.</summary>
    private sealed class Keys
    {
        public Dictionary<string, List<int>> Names { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<int>> NamesInCountry { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<int>> Addresses { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<int>> Identifiers { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<int>> SellerIds { get; } = new(StringComparer.Ordinal);
    }

    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        List<Finding>? findings = null;
        CheckParty(declaration.Seller, PartyRole.Seller, ref findings);
        CheckParty(declaration.Consignor, PartyRole.Consignor, ref findings);
        CheckParty(declaration.Consignee, PartyRole.Consignee, ref findings);
        CheckParty(declaration.DeliverTo, PartyRole.DeliverTo, ref findings);
        CheckParty(declaration.Declarant?.Party, PartyRole.Declarant, ref findings);
        if (_matchesSellerIds && declaration.Marketplace?.SellerId is { Length: > 0 } sellerId)
        {
            Check(_sellerIds, Fold(sellerId, stackalloc char[StackKeyLength]), "marketplace", "marketplace seller id", "marketplace.seller_id", ref findings);
        }
        if (findings is not null)
        {
            Report(findings, hits);
        }
    }

    private void CheckParty(Party? party, PartyRole role, ref List<Finding>? findings)
    {
        if (party is null)
        {
            return;
        }
        Span<char> buffer = stackalloc char[StackKeyLength];
        var country = party.Address?.CountryCode ?? "";
        if (_matchesNames && party.Name.Length > 0)
        {
            var name = Fold(party.Name, buffer);
            if (name.Length > 0)
            {
                Check(_names, name, role.Name, "name", role.NamePath, ref findings);
                Check(_namesInCountry, Compose(name, country, buffer), role.Name, "name and country", role.NamePath, ref findings);
            }
        }
        if (_matchesAddresses && party.Address is { } address)
        {
            foreach (var line in address.StreetLines)
            {
                var key = AddressKey(line, address.Postcode, country, buffer);
                Check(_addresses, key, role.Name, "address", role.AddressPath, ref findings);
            }
        }
        if (_matchesIdentifiers)
        {
            if (party.Eori.Length > 0)
            {
                Check(_identifiers, Fold(party.Eori, buffer), role.Name, "EORI", role.EoriPath, ref findings);
            }
            if (party.TaxId.Length > 0)
            {
                Check(_identifiers, Fold(party.TaxId, buffer), role.Name, "tax id", role.TaxIdPath, ref findings);
            }
        }
    }

    /// <summary>A party of the declaration with its field paths, built once rather than on every assessment.</summary>
    private sealed record PartyRole(string Name)
    {
        public static readonly PartyRole Seller = new("seller");
        public static readonly PartyRole Consignor = new("consignor");
        public static readonly PartyRole Consignee = new("consignee");
        public static readonly PartyRole DeliverTo = new("deliver_to");
        public static readonly PartyRole Declarant = new("declarant.party");

        public string NamePath { get; } = Name + ".name";
        public string AddressPath { get; } = Name + ".address";
        public string EoriPath { get; } = Name + ".eori";
        public string TaxIdPath { get; } = Name + ".tax_id";
    }

    private static void Check(
        FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> key,
        string party, string what, string fieldPath, ref List<Finding>? findings)
    {
        if (key.Length == 0 || !lookup.TryGetValue(key, out var entries))
        {
            return;
        }
        foreach (var entry in entries)
        {
            (findings ??= []).Add(new Finding(entry, party, what, fieldPath));
        }
    }

    private void Report(List<Finding> findings, RiskHits hits)
    {
        for (var entry = 0; entry < _entries.Length; entry++)
        {
            StringBuilder? reason = null;
            var paths = new List<string>();
            foreach (var finding in findings)
            {
                if (finding.Entry != entry || paths.Contains(finding.FieldPath))
                {
                    continue;
                }
                paths.Add(finding.FieldPath);
                reason = reason is null
                    ? new StringBuilder($"watch-list entry {_entries[entry].Id} ({_entries[entry].Label}) matches ")
                    : reason.Append("; ");
                reason.Append(finding.Party).Append(" on ").Append(finding.What);
            }
            if (reason is not null)
            {
                hits.Add(this, _entries[entry].Weight, ReferralType, Outcome, reason.ToString(), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(paths));
            }
        }
    }

    /// <summary>The folded <paramref name="text"/>, in <paramref name="buffer"/> when it fits.</summary>
    private static ReadOnlySpan<char> Fold(string text, Span<char> buffer)
    {
        if (text.Length * PartyNormaliser.MaxGrowth > buffer.Length)
        {
            buffer = new char[text.Length * PartyNormaliser.MaxGrowth];
        }
        return buffer[..PartyNormaliser.Fold(text, buffer, keepWordBreaks: false)];
    }

    /// <summary>"folded|CC": <paramref name="folded"/> (already at the start of <paramref name="buffer"/>) and the country.</summary>
    private static ReadOnlySpan<char> Compose(ReadOnlySpan<char> folded, string country, Span<char> buffer)
    {
        var length = folded.Length;
        if (length + 1 + country.Length > buffer.Length)
        {
            return string.Concat(folded, "|", country.ToUpperInvariant());
        }
        if (!folded.Overlaps(buffer))
        {
            folded.CopyTo(buffer);
        }
        buffer[length++] = Separator;
        foreach (var c in country)
        {
            buffer[length++] = char.ToUpperInvariant(c);
        }
        return buffer[..length];
    }

    /// <summary>"street|postcode|CC", each folded but the country (upper-cased).</summary>
    private static ReadOnlySpan<char> AddressKey(string street, string postcode, string country, Span<char> buffer)
    {
        var needed = ((street.Length + postcode.Length) * PartyNormaliser.MaxGrowth) + country.Length + 2;
        if (needed > buffer.Length)
        {
            buffer = new char[needed];
        }
        var length = PartyNormaliser.Fold(street, buffer, keepWordBreaks: false);
        if (length == 0)
        {
            return [];
        }
        buffer[length++] = Separator;
        length += PartyNormaliser.Fold(postcode, buffer[length..], keepWordBreaks: false);
        buffer[length++] = Separator;
        foreach (var c in country)
        {
            buffer[length++] = char.ToUpperInvariant(c);
        }
        return buffer[..length];
    }

    private static FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> Freeze(Dictionary<string, List<int>> keys) =>
        keys.ToFrozenDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public static WatchListRule Read(RuleHeader header, ConfigFileObject rule)
    {
        var entries = new List<Entry>();
        var keys = new Keys();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (element, path) in rule.Array("entries", required: true))
        {
            var config = rule.ObjectAt(element, path);
            if (config is null)
            {
                continue;
            }
            var index = entries.Count;
            var id = config.String("id", required: true, maxLength: 64);
            if (id is not null && !ids.TryAdd(id, path))
            {
                config.Problem("id", $"\"{id}\" is already the id of {ids[id]}; entry ids must be unique");
            }
            var label = config.String("label", required: true);
            var weight = config.Int("weight", required: false, 1, RuleSetReader.MaxWeight) ?? header.Weight;
            var matchers = ReadName(config, index, keys)
                + ReadAddress(config, index, keys)
                + ReadIdentifiers(config, "identifiers", index, keys.Identifiers)
                + ReadIdentifiers(config, "marketplaceSellerIds", index, keys.SellerIds);
            if (matchers == 0 && config.Has("label"))
            {
                config.Problem("must give at least one of name, address, identifiers or marketplaceSellerIds to match on");
            }
            config.ReportUnknownProperties();
            entries.Add(new Entry(id ?? "", label ?? "", weight));
        }
        return new WatchListRule(header, [.. entries], keys);
    }

    private static int ReadName(ConfigFileObject config, int index, Keys keys)
    {
        var name = config.String("name", required: false, maxLength: 70);
        var country = ReadCountry(config, "country");
        if (name is null)
        {
            if (country is not null)
            {
                config.Problem("country", "restricts a name match to a country, so it needs a name");
            }
            return 0;
        }
        var folded = PartyNormaliser.Key(name);
        if (folded.Length == 0)
        {
            config.Problem("name", "has no letters or digits to match on");
            return 0;
        }
        if (country is null)
        {
            Add(keys.Names, folded, index);
        }
        else
        {
            Add(keys.NamesInCountry, new string(Compose(folded, country, new char[folded.Length + 1 + country.Length])), index);
        }
        return 1;
    }

    private static int ReadAddress(ConfigFileObject config, int index, Keys keys)
    {
        var address = config.Object("address", required: false);
        if (address is null)
        {
            return 0;
        }
        var street = address.String("street", required: true, maxLength: 70);
        var postcode = address.String("postcode", required: false, maxLength: 17) ?? "";
        var country = address.Has("country") ? ReadCountry(address, "country") : RequiredCountry(address);
        address.ReportUnknownProperties();
        if (street is null || country is null)
        {
            return 0;
        }
        var key = AddressKey(street, postcode, country, new char[((street.Length + postcode.Length) * PartyNormaliser.MaxGrowth) + 4]);
        if (key.Length == 0)
        {
            address.Problem("street", "has no letters or digits to match on");
            return 0;
        }
        Add(keys.Addresses, new string(key), index);
        return 1;
    }

    private static int ReadIdentifiers(ConfigFileObject config, string name, int index, Dictionary<string, List<int>> keys)
    {
        var count = 0;
        foreach (var (identifier, path) in config.Strings(name, required: false, maxLength: 70))
        {
            var folded = PartyNormaliser.Key(identifier);
            if (folded.Length == 0)
            {
                config.ProblemAt(path, "has no letters or digits to match on");
                continue;
            }
            Add(keys, folded, index);
            count++;
        }
        return count;
    }

    private static string? ReadCountry(ConfigFileObject config, string name)
    {
        var country = config.String(name, required: false, maxLength: 10);
        if (country is not null && !CountryCodes.IsAssigned(country))
        {
            config.Problem(name, $"\"{country}\" is not an assigned ISO 3166-1 alpha-2 country code (upper case)");
            return null;
        }
        return country;
    }

    private static string? RequiredCountry(ConfigFileObject address)
    {
        address.Problem("country", "is required (the ISO 3166-1 alpha-2 country code of the address)");
        return null;
    }

    private static void Add(Dictionary<string, List<int>> keys, string key, int index)
    {
        if (!keys.TryGetValue(key, out var entries))
        {
            keys[key] = entries = [];
        }
        if (!entries.Contains(index))
        {
            entries.Add(index);
        }
    }
}
