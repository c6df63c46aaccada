using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Validation;
using Exchange.Testing;
using Google.Protobuf;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

/// <summary>
/// The built-in rules against the repository's samples: every valid sample is released (end-to-end
/// tests count on it), and typical risky consignments are caught.
/// </summary>
public sealed class DefaultRuleSetTests
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    public static TheoryData<string, Declaration> ValidSamples()
    {
        var samples = new TheoryData<string, Declaration>
        {
            { "SampleDeclarations.PostalGift", SampleDeclarations.PostalGift() },
            { "SampleDeclarations.ExpressMarketplaceSale", SampleDeclarations.ExpressMarketplaceSale() },
        };
        var directory = Path.Combine(RepositoryRoot(), "clients", "csharp", "Exchange.Client", "samples");
        foreach (var file in (string[])["postal-cn22-gift.json", "express-ioss-marketplace-sale.json"])
        {
            samples.Add(file, Parser.Parse<Declaration>(System.IO.File.ReadAllText(Path.Combine(directory, file))));
        }
        var line = 0;
        foreach (var json in System.IO.File.ReadLines(Path.Combine(directory, "bulk-mixed.jsonl")))
        {
            line++;
            var declaration = Parser.Parse<Declaration>(json);
            if (DeclarationValidator.Validate(declaration).Count == 0)
            {
                samples.Add($"bulk-mixed.jsonl line {line}", declaration);
            }
        }
        return samples;
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Every_valid_sample_is_released_when_the_context_adds_nothing(string sample, Declaration declaration)
    {
        var assessment = DefaultEngine.Assess(declaration, Quiet);

        Assert.True(assessment.RecommendedOutcome == DecisionOutcome.Release,
            $"{sample}: {assessment.RecommendedOutcome}, score {assessment.Score}: {string.Join("; ", assessment.Hits.Select(h => h.Reason))}");
        Assert.Empty(assessment.ReferralTypes);
        // The only finding allowed on a clean sample is the low-weight note on optional data.
        Assert.All(assessment.Hits, h => Assert.Equal("missing-data", h.RuleId));
    }

    [Fact]
    public void All_seventeen_valid_bulk_lines_are_among_the_samples() =>
        Assert.Equal(4 + SampleFiles.BulkMixedAccepted, ValidSamples().Count);

    [Fact]
    public void The_gift_sample_has_no_hit_and_the_sale_sample_only_the_optional_data_note()
    {
        Assert.Empty(DefaultEngine.Assess(SampleDeclarations.PostalGift(), Quiet).Hits);

        var sale = DefaultEngine.Assess(SampleDeclarations.ExpressMarketplaceSale(), Quiet);
        var hit = SingleHit(sale);
        Assert.Equal("missing: items[1].product_url, seller.eori or seller.tax_id", hit.Reason);
        Assert.Equal(5, sale.Score);
    }

    [Fact]
    public void The_sale_sample_sent_four_times_in_three_days_is_noted_but_still_released()
    {
        // 4 x EUR 47.48 = EUR 189.92 to one consignee: split-shipment (30) + optional data (5) = 35 < 40.
        var assessment = DefaultEngine.Assess(SampleDeclarations.ExpressMarketplaceSale(), WithActivity(4, 18_992));
        Assert.Equal(["missing-data", "split-shipment"], assessment.Hits.Select(h => h.RuleId));
        Assert.Equal(35, assessment.Score);
        Assert.Equal(DecisionOutcome.Release, assessment.RecommendedOutcome);
    }

    [Fact]
    public void An_undervalued_smartphone_is_held_for_information()
    {
        var phone = GiftWithItem(i =>
        {
            i.Description = "Smartphone 6.5 inch, 128 GB";
            i.HsCode = "851713";
            i.Value = SampleDeclarations.Money("EUR", 25, 0);
        });

        var assessment = DefaultEngine.Assess(phone, Quiet);

        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        Assert.Equal("undervaluation", SingleHit(assessment).RuleId);
        Assert.Equal([ReferralType.RequestForInformation], assessment.ReferralTypes);
    }

    [Theory]
    [InlineData("360410", DecisionOutcome.Hold)] // fireworks
    [InlineData("293941", DecisionOutcome.Hold)] // ephedrine
    [InlineData("930400", DecisionOutcome.Hold)] // air guns, chapter 93
    [InlineData("930190", DecisionOutcome.Reject)] // military weapons, heading 9301
    public void Prohibited_goods_are_held_not_to_be_loaded_or_rejected(string hsCode, DecisionOutcome outcome)
    {
        var assessment = DefaultEngine.Assess(GiftWithItem(i => i.HsCode = hsCode), KnownShipper("programmes/p/enrolments/e"));

        Assert.Equal(outcome, assessment.RecommendedOutcome);
        Assert.Equal(outcome == DecisionOutcome.Hold ? [ReferralType.DoNotLoad] : [], assessment.ReferralTypes);
    }

    [Fact]
    public void A_vague_gift_routed_through_a_country_of_concern_with_a_split_order_is_held()
    {
        var declaration = GiftWithItem(i => i.Description = "Gifts and accessories");
        declaration.Transport.RoutingCountryCodes.Add("IR");

        var assessment = DefaultEngine.Assess(declaration, WithActivity(3, 16_000));

        Assert.Equal(["vague-description", "split-shipment", "routing-via-country-of-concern"], assessment.Hits.Select(h => h.RuleId));
        Assert.Equal(20 + 30 + 10, assessment.Score);
        Assert.Equal([ReferralType.RequestForInformation, ReferralType.HrcmScreening], assessment.ReferralTypes);
    }

    [Fact]
    public void The_default_referral_texts_name_no_rule_or_list()
    {
        foreach (var type in (ReferralType[])[ReferralType.RequestForInformation, ReferralType.HrcmScreening, ReferralType.DoNotLoad])
        {
            var text = DefaultEngine.ReferralText(type);
            Assert.DoesNotContain("watch", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("rule", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("score", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The folder holding Exchange.sln, above the test's output folder or else above this source file.</summary>
    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        foreach (var start in (string[])[AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? ""])
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
                {
                    return directory.FullName;
                }
            }
        }
        throw new InvalidOperationException("Exchange.sln not found above " + AppContext.BaseDirectory);
    }
}
