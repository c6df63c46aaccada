namespace Exchange.Testing;

/// <summary>
/// Facts about the sample files shipped with the clients (clients/csharp/Exchange.Client/samples),
/// stated once for every test that runs a client over them.
/// </summary>
public static class SampleFiles
{
    /// <summary>The field paths of the seven deliberate errors of invalid-several-errors.json (samples/README.md).</summary>
    public static readonly IReadOnlyList<string> InvalidSampleViolations =
    [
        "declaration.transport_document.item_identifier",
        "declaration.items[0].hs_code",
        "declaration.items[1].origin_country_code",
        "declaration.items[1].value",
        "declaration.ioss_number",
        "declaration.totals.invoice_total",
        "declaration.consignee",
    ];

    /// <summary>bulk-mixed.jsonl holds this many valid declarations...</summary>
    public const int BulkMixedAccepted = 17;

    /// <summary>...and this many invalid ones.</summary>
    public const int BulkMixedRejected = 3;
}
