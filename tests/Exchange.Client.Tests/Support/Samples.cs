namespace Exchange.Client.Tests.Support;

/// <summary>The sample files shipped with the client (copied next to the test assembly by the build).</summary>
public static class Samples
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string PostalGift => Path.Combine(Directory, "postal-cn22-gift.json");

    public static string ExpressSale => Path.Combine(Directory, "express-ioss-marketplace-sale.json");

    public static string ConsignmentAirMaster => Path.Combine(Directory, "consignment-air-master.json");

    public static string Invalid => Path.Combine(Directory, "invalid-several-errors.json");

    public static string BulkMixed => Path.Combine(Directory, "bulk-mixed.jsonl");
}
