using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Testing;

namespace Exchange.Core.Tests.Risk;

/// <summary>The rates, contexts and small rule files the risk tests share.</summary>
internal static class RiskFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 7, 1, 9, 30, 0, TimeSpan.Zero);

    /// <summary>EUR-based rates: 1 EUR = 1.25 USD = 8 CNY (round numbers keep the arithmetic checkable).</summary>
    public static readonly ExchangeRates Rates = new("EUR",
        new Dictionary<string, decimal> { ["USD"] = 1.25m, ["CNY"] = 8m }, new DateOnly(2026, 7, 1));

    /// <summary>A context that triggers nothing: no enrolment, this consignment the consignee's only one.</summary>
    public static RiskContext Quiet => new(Now, null, new ConsigneeActivity(1, 2_500));

    public static RiskContext WithActivity(int consignments, long valueCents) => new(Now, null, new ConsigneeActivity(consignments, valueCents));

    public static RiskContext KnownShipper(string enrolment) => new(Now, enrolment, new ConsigneeActivity(1, 2_500));

    /// <summary>A complete rules file around <paramref name="rules"/> (JSON objects), hold at 40, no reject threshold.</summary>
    public static string File(params string[] rules) => File(hold: 40, reject: null, rules);

    public static string File(int hold, int? reject, params string[] rules) => $$"""
        {
          "version": "test-1",
          "thresholds": { "hold": {{hold}}{{(reject is null ? "" : $", \"reject\": {reject}")}} },
          "recommendedScreeningMethod": "EDD",
          "referralTexts": {
            "REQUEST_FOR_INFORMATION": "Please tell us more.",
            "HRCM_SCREENING": "Please screen it.",
            "DO_NOT_LOAD": "Do not load it."
          },
          "rules": [ {{string.Join(", ", rules)}} ]
        }
        """;

    public static RiskEngine Engine(params string[] rules) => new(RuleSet.Parse(File(rules), "test rules"), Rates);

    public static RiskEngine DefaultEngine { get; } = new(RuleSet.Default, Rates);

    /// <summary>The postal gift sample with its one item changed.</summary>
    public static Declaration GiftWithItem(Action<GoodsItem> edit)
    {
        var declaration = SampleDeclarations.PostalGift();
        edit(declaration.Items[0]);
        return declaration;
    }

    public static Declaration Sale(Action<Declaration> edit)
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        edit(declaration);
        return declaration;
    }

    /// <summary>The single hit of <paramref name="assessment"/> (fails when there is not exactly one).</summary>
    public static RuleHit SingleHit(RiskAssessment assessment) => Assert.Single(assessment.Hits);
}
