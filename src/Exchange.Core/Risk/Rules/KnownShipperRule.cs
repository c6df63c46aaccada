using Exchange.Core.Configuration;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// Known shippers (AEO and trusted-trader programmes; CBP E-Commerce Strategy
/// goal 3): when the seller or consignor holds an enrolment in force, a hit with a negative weight
/// lowers the score, so a trusted trader's small anomalies do not hold its parcels. It cannot undo
/// an outcome another hit forces (prohibited goods stay held).
/// </summary>
internal sealed class KnownShipperRule(RuleHeader header) : RiskRule(header)
{
    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        if (context.KnownShipperEnrolment is { Length: > 0 } enrolment)
        {
            hits.Add(this, $"the seller or consignor is an enrolled known shipper ({enrolment})");
        }
    }

    public static KnownShipperRule Read(RuleHeader header, ConfigFileObject rule) => new(header);
}
