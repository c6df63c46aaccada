using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The marketplace: name 1..70, website an absolute http(s) URL, e-commerce order and seller ids
/// at most 70.
/// </summary>
internal static class MarketplaceFields
{
    public static void Check(Marketplace marketplace, string path, ViolationList violations)
    {
        IdentifyingText.Required(marketplace.Name, 1, 70, path + ".name", violations);

        if (marketplace.Website.Length > 0 && WebAddress.Check(marketplace.Website) is { } urlProblem)
        {
            violations.Add(path + ".website", urlProblem);
        }

        TextValues.Optional(marketplace.OrderId, 70, path + ".order_id", violations);
        TextValues.Optional(marketplace.SellerId, 70, path + ".seller_id", violations);
    }
}
