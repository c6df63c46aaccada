using Exchange.Core.Configuration;
using System.Collections.Frozen;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// Data quality, WCO E-Commerce FoS data-quality standard (2022): goods descriptions that say
/// nothing ("gift", "parts", "accessories"), and optional data elements whose absence makes a
/// declaration harder to target. A description is vague when, folded by
/// <see cref="PartyNormaliser"/> into words, every word is a configured vague word or filler word
/// and at least one is vague ("Gifts &amp; samples", "spare parts", "1x accessories"); words that start
/// with a digit (counts, "2pcs") are ignored. Validation already refuses a description that is a
/// single catch-all word; this rule also catches the combinations. One hit naming every finding.
/// </summary>
internal sealed class DataQualityRule : RiskRule
{
    private const int StackDescriptionLength = 256;

    /// <summary>The elements an administration can require here, by their names in the rules file.</summary>
    private static readonly IReadOnlyDictionary<string, MissingElements> ElementNames = new Dictionary<string, MissingElements>(StringComparer.Ordinal)
    {
        ["items[].hs_code"] = MissingElements.ItemHsCode,
        ["items[].origin_country_code"] = MissingElements.ItemOrigin,
        ["items[].product_url"] = MissingElements.ItemProductUrl,
        ["seller.eori_or_tax_id"] = MissingElements.SellerIdentifier,
        ["marketplace.seller_id"] = MissingElements.MarketplaceSellerId,
        ["marketplace.order_id"] = MissingElements.MarketplaceOrderId,
        ["consignee.contact"] = MissingElements.ConsigneeContact,
    };

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _vagueWords;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _fillerWords;
    private readonly bool _checksDescriptions;
    private readonly MissingElements _missingElements;

    private DataQualityRule(RuleHeader header, HashSet<string> vagueWords, HashSet<string> fillerWords, MissingElements missingElements)
        : base(header)
    {
        _vagueWords = vagueWords.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _fillerWords = fillerWords.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _checksDescriptions = vagueWords.Count > 0;
        _missingElements = missingElements;
    }

    /// <summary>Optional data elements whose absence is a finding.</summary>
    [Flags]
    private enum MissingElements
    {
        None = 0,

        /// <summary>An item without hs_code (non-commercial categories, where validation allows it).</summary>
        ItemHsCode = 1,

        /// <summary>An item without origin_country_code.</summary>
        ItemOrigin = 2,

        /// <summary>An item of a marketplace sale without product_url (Section 321 "listing URL").</summary>
        ItemProductUrl = 4,

        /// <summary>A sale of goods whose seller has neither EORI nor tax id.</summary>
        SellerIdentifier = 8,

        /// <summary>A marketplace without seller_id.</summary>
        MarketplaceSellerId = 16,

        /// <summary>A marketplace without order_id.</summary>
        MarketplaceOrderId = 32,

        /// <summary>A consignee with neither e-mail nor phone.</summary>
        ConsigneeContact = 64,
    }

    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        StringBuilder? vague = null;
        StringBuilder? missing = null;
        List<string>? paths = null;
        var marketplaceSale = declaration.Marketplace is not null && declaration.Category == ItemCategory.SaleOfGoods;
        for (var i = 0; i < declaration.Items.Count; i++)
        {
            if (declaration.Items[i] is not { } item)
            {
                continue;
            }
            if (_checksDescriptions && IsVague(item.Description))
            {
                var path = $"items[{i}].description";
                Add(ref vague, ref paths, path, $"{path} {Echo.Quote(item.Description)}");
            }
            if (Requires(MissingElements.ItemHsCode) && item.HsCode.Length == 0)
            {
                Add(ref missing, ref paths, $"items[{i}].hs_code");
            }
            if (Requires(MissingElements.ItemOrigin) && item.OriginCountryCode.Length == 0)
            {
                Add(ref missing, ref paths, $"items[{i}].origin_country_code");
            }
            if (Requires(MissingElements.ItemProductUrl) && marketplaceSale && item.ProductUrl.Length == 0)
            {
                Add(ref missing, ref paths, $"items[{i}].product_url");
            }
        }
        if (Requires(MissingElements.SellerIdentifier) && declaration.Category == ItemCategory.SaleOfGoods
            && declaration.Seller is { Eori.Length: 0, TaxId.Length: 0 })
        {
            Add(ref missing, ref paths, "seller.eori", "seller.eori or seller.tax_id");
            paths!.Add("seller.tax_id");
        }
        if (declaration.Marketplace is { } marketplace)
        {
            if (Requires(MissingElements.MarketplaceSellerId) && marketplace.SellerId.Length == 0)
            {
                Add(ref missing, ref paths, "marketplace.seller_id");
            }
            if (Requires(MissingElements.MarketplaceOrderId) && marketplace.OrderId.Length == 0)
            {
                Add(ref missing, ref paths, "marketplace.order_id");
            }
        }
        if (Requires(MissingElements.ConsigneeContact) && declaration.Consignee is { } consignee
            && consignee.Contact is not { Email.Length: > 0 } && consignee.Contact is not { Phone.Length: > 0 })
        {
            Add(ref missing, ref paths, "consignee.contact");
        }

        if (paths is null)
        {
            return;
        }
        var reason = new StringBuilder();
        if (vague is not null)
        {
            reason.Append("vague goods description (no word says what the goods are): ").Append(vague);
        }
        if (missing is not null)
        {
            reason.Append(vague is null ? "" : "; ").Append("missing: ").Append(missing);
        }
        hits.Add(this, reason.ToString(), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(paths));
    }

    private bool Requires(MissingElements element) => (_missingElements & element) != 0;

    /// <summary>Whether every word of <paramref name="description"/> is vague or filler, and one at least vague.</summary>
    private bool IsVague(string description)
    {
        Span<char> words = description.Length * PartyNormaliser.MaxGrowth <= StackDescriptionLength
            ? stackalloc char[StackDescriptionLength]
            : new char[description.Length * PartyNormaliser.MaxGrowth];
        var remaining = (ReadOnlySpan<char>)words[..PartyNormaliser.Fold(description, words, keepWordBreaks: true)];
        var vagueWords = 0;
        while (remaining.Length > 0)
        {
            var end = remaining.IndexOf(' ');
            var word = end < 0 ? remaining : remaining[..end];
            remaining = end < 0 ? [] : remaining[(end + 1)..];
            if (char.IsAsciiDigit(word[0]) || _fillerWords.Contains(word))
            {
                continue;
            }
            if (!_vagueWords.Contains(word))
            {
                return false;
            }
            vagueWords++;
        }
        return vagueWords > 0;
    }

    private static void Add(ref StringBuilder? text, ref List<string>? paths, string path, string? shown = null)
    {
        (paths ??= []).Add(path);
        text = (text ??= new StringBuilder()).Append(text.Length == 0 ? "" : ", ").Append(shown ?? path);
    }

    public static DataQualityRule Read(RuleHeader header, ConfigFileObject rule)
    {
        var vagueWords = ReadWords(rule, "vagueWords");
        var fillerWords = ReadWords(rule, "fillerWords");
        foreach (var word in fillerWords)
        {
            if (vagueWords.Contains(word))
            {
                rule.Problem("fillerWords", $"\"{word}\" is also a vague word; a word is one or the other");
            }
        }
        var missing = MissingElements.None;
        foreach (var (name, path) in rule.Strings("missingElements", required: false))
        {
            if (ElementNames.TryGetValue(name, out var element))
            {
                missing |= element;
            }
            else
            {
                rule.ProblemAt(path, $"\"{name}\" is not an element this rule knows; expected {string.Join(", ", ElementNames.Keys)}");
            }
        }
        if (vagueWords.Count == 0 && missing == MissingElements.None && !rule.Has("vagueWords") && !rule.Has("missingElements"))
        {
            rule.Problem("must give vagueWords or missingElements (or both): a data-quality rule with neither never matches");
        }
        return new DataQualityRule(header, vagueWords, fillerWords, missing);
    }

    /// <summary>The folded words of a list of words and phrases ("spare parts" gives "spare" and "parts").</summary>
    private static HashSet<string> ReadWords(ConfigFileObject rule, string name)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (text, path) in rule.Strings(name, required: false, maxLength: 100))
        {
            var folded = PartyNormaliser.Words(text);
            if (folded.Length == 0)
            {
                rule.ProblemAt(path, "has no letters or digits");
                continue;
            }
            foreach (var word in folded.Split(' '))
            {
                if (char.IsAsciiDigit(word[0]))
                {
                    rule.ProblemAt(path, $"\"{word}\" starts with a digit; such words are never counted");
                }
                else
                {
                    words.Add(word);
                }
            }
        }
        return words;
    }
}
