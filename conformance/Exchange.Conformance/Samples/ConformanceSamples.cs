using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Money = Google.Type.Money;

namespace Exchange.Conformance.Samples;

/// <summary>
/// The kit's own declarations, valid under every rule of exchange.declaration.v1 (the kit ships
/// on its own, so it carries them). Each call returns a fresh copy, safe to change; checks break
/// one field or several from here.
/// </summary>
public static class ConformanceSamples
{
    /// <summary>
    /// A postal CN22 gift from China to Germany: UPU S10 item identifier RB123456785CN (serial
    /// 12345678, check digit 5 by the S10 weights 8 6 4 2 3 5 9 7), one item, no seller.
    /// </summary>
    public static Declaration PostalGift(string localReference) => new()
    {
        LocalReferenceNumber = localReference,
        Channel = Channel.Postal,
        Category = ItemCategory.Gift,
        NatureOfCargo = NatureOfCargo.LowValueNonDutiable,
        TransportDocument = new TransportDocument { ItemIdentifier = "RB123456785CN" },
        Consignor = Person("Li Wei", "88 Huaihai Road", "Shanghai", "200031", "CN"),
        Consignee = Person("Anna Schmidt", "Hauptstrasse 5", "Berlin", "10115", "DE"),
        Declarant = new Declarant
        {
            Party = Company("China Post Group", "3 Financial Street", "Beijing", "100808", "CN"),
            Role = FilerRole.PostalOperator,
        },
        Items =
        {
            new GoodsItem
            {
                Description = "Hand-knitted wool scarf",
                HsCode = "611710",
                Quantity = Pieces(1),
                NetWeightKg = Dec("0.25"),
                Value = Money("EUR", 25, 0),
                OriginCountryCode = "CN",
            },
        },
        Totals = new ConsignmentTotals
        {
            InvoiceTotal = Money("EUR", 25, 0),
            TransportCharges = Money("EUR", 6, 500_000_000),
            GrossWeightKg = Dec("0.4"),
        },
        Transport = new Transport
        {
            CarrierName = "China Post Group",
            Mode = TransportMode.Air,
            ConveyanceReference = "CA931",
            DepartureCountryCode = "CN",
            DestinationCountryCode = "DE",
            OfficeOfFirstEntry = "DE004851",
            ExpectedArrivalTime = InThreeDays(),
        },
    };

    /// <summary>
    /// An express B2C marketplace sale from China to the Netherlands under IOSS (IM5280001234,
    /// intrinsic value EUR 47.48, below the EUR 150 ceiling): house and master waybill, two items
    /// of two HS subheadings with their origin, seller and marketplace named.
    /// </summary>
    public static Declaration ExpressMarketplaceSale(string localReference) => new()
    {
        LocalReferenceNumber = localReference,
        UniqueConsignmentReference = "6NL123456789-ORDER-778812",
        Channel = Channel.Express,
        Category = ItemCategory.SaleOfGoods,
        NatureOfCargo = NatureOfCargo.LowValueDutiable,
        TransportDocument = new TransportDocument { HouseWaybill = "1234567890", MasterWaybill = "176-12345675" },
        Seller = Company("Shenzhen Bright Gadgets Co., Ltd.", "12 Keji Road", "Shenzhen", "518057", "CN"),
        Marketplace = new Marketplace
        {
            Name = "Global Bazaar",
            Website = "https://www.globalbazaar.example",
            OrderId = "GB-2026-778812",
            SellerId = "SELLER-4411",
        },
        Consignor = Company("Shenzhen Bright Gadgets Co., Ltd.", "12 Keji Road", "Shenzhen", "518057", "CN"),
        Consignee = Person("Jan de Vries", "Keizersgracht 100", "Amsterdam", "1015 AA", "NL"),
        Declarant = new Declarant
        {
            Party = Company("Swift Express B.V.", "Schiphol Boulevard 1", "Schiphol", "1118 BG", "NL", eori: "NL123456789"),
            Role = FilerRole.ExpressCarrier,
            OriginatorCode = "SWX01",
        },
        Items =
        {
            new GoodsItem
            {
                Description = "Wireless earbuds with charging case",
                HsCode = "8518300000",
                Quantity = Pieces(2),
                NetWeightKg = Dec("0.12"),
                Value = Money("EUR", 39, 980_000_000),
                OriginCountryCode = "CN",
                Sku = "WB-200",
                ProductUrl = "https://www.globalbazaar.example/item/wb-200",
            },
            new GoodsItem
            {
                Description = "Silicone phone case for 6.1 inch phones",
                HsCode = "392690",
                Quantity = Pieces(1),
                NetWeightKg = Dec("0.05"),
                Value = Money("EUR", 7, 500_000_000),
                OriginCountryCode = "CN",
            },
        },
        Totals = new ConsignmentTotals
        {
            InvoiceTotal = Money("EUR", 47, 480_000_000),
            TransportCharges = Money("EUR", 4, 0),
            GrossWeightKg = Dec("0.3"),
        },
        Transport = new Transport
        {
            CarrierName = "Swift Express B.V.",
            CarrierId = "NL123456789",
            Mode = TransportMode.Air,
            ConveyanceReference = "SX2871",
            DepartureCountryCode = "CN",
            DestinationCountryCode = "NL",
            OfficeOfFirstEntry = "NL000396",
            RoutingCountryCodes = { "CN", "NL" },
        },
        IossNumber = "IM5280001234",
    };

    /// <summary>
    /// <see cref="ExpressMarketplaceSale"/> as a single filing of its own: no master waybill (no
    /// carrier's consignment, so its filer pays), and a house waybill made of the LRN, unique to the run.
    /// </summary>
    public static Declaration ExpressSaleFiledAlone(string localReference)
    {
        var sale = ExpressMarketplaceSale(localReference);
        sale.TransportDocument.MasterWaybill = "";
        sale.TransportDocument.HouseWaybill = "HAWB-" + localReference;
        return sale;
    }

    private static Party Person(string name, string street, string city, string postcode, string country) => new()
    {
        Name = name,
        Type = PartyType.NaturalPerson,
        Address = new Address { StreetLines = { street }, City = city, Postcode = postcode, CountryCode = country },
    };

    private static Party Company(string name, string street, string city, string postcode, string country, string eori = "") => new()
    {
        Name = name,
        Type = PartyType.LegalPerson,
        Address = new Address { StreetLines = { street }, City = city, Postcode = postcode, CountryCode = country },
        Eori = eori,
    };

    private static Quantity Pieces(int count) => new() { Value = Dec(count.ToString(CultureInfo.InvariantCulture)), UnitCode = "H87" };

    private static Google.Type.Decimal Dec(string value) => new() { Value = value };

    private static Money Money(string currency, long units, int nanos) => new() { CurrencyCode = currency, Units = units, Nanos = nanos };

    /// <summary>An arrival always ahead of the run, to the minute, so no node can call the sample stale.</summary>
    private static Timestamp InThreeDays()
    {
        var now = DateTime.UtcNow;
        return Timestamp.FromDateTime(new DateTime(now.Year, now.Month, now.Day, 6, 30, 0, DateTimeKind.Utc).AddDays(3));
    }
}
