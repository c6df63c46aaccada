using System.Text.RegularExpressions;

namespace Exchange.SampleClients.Tests;

/// <summary>How the node of a scenario run assesses declarations, which decides what the journey shows.</summary>
public enum NodeAssessment
{
    /// <summary>
    /// The node's default (README's quick start): every submission is decided before it is recorded.
    /// The undervalued house is HELD with a request for information, answered before arrival; at
    /// arrival the other house is released and the held one is the item to present (CUSTOMS_HOLD).
    /// </summary>
    AtOnce,

    /// <summary>
    /// An hour's assessment delay (the filer's correction window): nothing is decided during the
    /// run, so no referral is opened and both houses are to present at arrival (ASSESSMENT_PENDING).
    /// </summary>
    Delayed,
}

/// <summary>
/// The lines both sample scenarios (TypeScript and Python) print for arrival, the multiple-filing
/// journey (houses, master, referral, arrival, presentation, control and the carrier's notices),
/// revenue (a sale collected on delivery: assessment, over-payment refused, part payment, balance,
/// release), disposition (a held sale returned to its sender by an officer, seen by the filer) and
/// an agency's request answered by the filer.
/// One place, so both clients are held to the same journey.
/// </summary>
public static class ScenarioJourney
{
    /// <summary>The node's settings for <paramref name="assessment"/> (ServerProcess otherwise starts nodes with a delay).</summary>
    public static Dictionary<string, string> NodeSettings(NodeAssessment assessment) => new()
    {
        ["Exchange__Assessment__Delay"] = assessment == NodeAssessment.AtOnce ? "00:00:00" : "01:00:00",
    };

    /// <summary>
    /// Asserts every line of the journey in <paramref name="output"/> of the scenario run as
    /// <paramref name="filer"/>; <paramref name="report"/> explains a failure.
    /// </summary>
    public static void AssertJourney(string output, string filer, string carrier, NodeAssessment assessment, string report)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var atOnce = assessment == NodeAssessment.AtOnce;
        void Line(string pattern) => AssertLine(lines, pattern, report);

        // The first sample as the UPU CN23 data set (DataSetService): complete, whatever the assessment.
        Line($@"DATASET UPU-CN23 {Regex.Escape(Exchange.Core.Profiles.DataSetProfiles.BuiltIn.Find("UPU-CN23")!.Version)} complete=true values=\d+");

        // Single filing: decided at once, the goods are released on arrival; with the delay the arrival is only recorded.
        Line(atOnce
            ? @"ARRIVED postal-cn22-gift\.json status=RELEASED security=COMPLETE clearance=RELEASED"
            : @"ARRIVED postal-cn22-gift\.json status=ACCEPTED security=REGISTERED clearance=ARRIVED");

        // Multiple filing: the houses filed first wait for their master, then link to it.
        var small = HouseDocument(lines, 2, atOnce ? "ASSESSED" : "ACCEPTED", report);
        var undervalued = HouseDocument(lines, 20, atOnce ? "HELD" : "ACCEPTED", report);
        Line($"MASTER consignment-air-master\\.json state=OPEN carrier={carrier}");
        Assert.True(
            lines.Count(line => Regex.IsMatch(line, $"^LINKED LINKED filers/{carrier}/consignments/mawb-176-\\d{{8}}$")) == 2,
            $"Expected both houses LINKED.{Environment.NewLine}{report}");
        Assert.True(
            lines.Count(line => line == "REFERRAL answered REQUEST_FOR_INFORMATION") == (atOnce ? 1 : 0),
            $"Expected {(atOnce ? "one referral answered" : "no referral")}.{Environment.NewLine}{report}");

        // The arrival releases the assessed house; the others are presented by the carrier, then an
        // officer's satisfactory control result releases each.
        string[] presented;
        if (atOnce)
        {
            Line("HOUSES 2 ASSESSED,HELD");
            Line("CONSIGNMENT ARRIVED arrived=2 released=1 present=1 CUSTOMS_HOLD");
            Line($"PRESENTED {undervalued} status=HELD clearance=PRESENTED");
            presented = [undervalued];
        }
        else
        {
            Line("HOUSES 2 ACCEPTED,ACCEPTED");
            Line("CONSIGNMENT ARRIVED arrived=2 released=0 present=2 ASSESSMENT_PENDING,ASSESSMENT_PENDING");
            Line($"PRESENTED {small} status=ACCEPTED clearance=PRESENTED");
            Line($"PRESENTED {undervalued} status=ACCEPTED clearance=PRESENTED");
            presented = [small, undervalued];
        }
        foreach (var house in presented)
        {
            Line($"CONTROLLED {house} outcome=SATISFACTORY status=RELEASED clearance=RELEASED");
        }
        Assert.True(
            lines.Count(line => line.StartsWith("PRESENTED ", StringComparison.Ordinal)) == presented.Length
            && lines.Count(line => line.StartsWith("CONTROLLED ", StringComparison.Ordinal)) == presented.Length,
            $"Expected exactly {presented.Length} house(s) presented and controlled.{Environment.NewLine}{report}");

        // The carrier's notices, in the order the node wrote them: the release notice of every house,
        // and, decided at once, the control notification of the held house at arrival.
        string[] notices = atOnce
            ? [$"HOUSE_RELEASED {small}", $"HOUSE_CONTROL_REQUIRED {undervalued}", $"HOUSE_RELEASED {undervalued}"]
            : [$"HOUSE_RELEASED {small}", $"HOUSE_RELEASED {undervalued}"];
        var printed = lines.Where(line => line.StartsWith("NOTICE ", StringComparison.Ordinal)).Select(line => line["NOTICE ".Length..]).ToArray();
        Assert.True(notices.SequenceEqual(printed),
            $"Expected the notices {string.Join(", ", notices)}; got {string.Join(", ", printed)}.{Environment.NewLine}{report}");
        Line($"NOTICES {notices.Length} released=2/2");

        AssertRevenue(lines, filer, atOnce, report);
        AssertDisposition(lines, atOnce, report);
        AssertAgency(lines, filer, atOnce, report);
    }

    /// <summary>
    /// Agency: the agency subscribed to the scarf's subheading for the step holds the gift when the node
    /// assesses it; the filer answers its request and the agency lets the goods proceed (ASSESSED before
    /// arrival). With the delay nothing is assessed, so nothing is flagged. The subscription is deleted either way.
    /// </summary>
    private static void AssertAgency(string[] lines, string filer, bool atOnce, string report)
    {
        void Line(string pattern) => AssertLine(lines, pattern, report);
        Line($"AGENCY SUBSCRIBED agencies/{filer}-agency hs=611710 hold_for_review=true");
        Line("AGENCY UNSUBSCRIBED");
        if (!atOnce)
        {
            Line(@"AGENCY FILED postal-cn22-gift\.json status=ACCEPTED");
            Line("AGENCY skipped status=ACCEPTED: the node flags goods to an agency when it assesses them");
            return;
        }
        Line(@"AGENCY FILED postal-cn22-gift\.json status=HELD");
        Line($"AGENCY REQUEST OPEN agencies/{filer}-agency");
        Line("AGENCY ANSWERED ANSWERED status=HELD");
        Line("AGENCY DECIDED MAY_PROCEED status=ASSESSED");
    }

    /// <summary>
    /// Revenue: the sample sale without IOSS, collected on delivery, owes the EUR 3 flat duty for each
    /// of its two subheadings and 21 % NL VAT on 47.48 + 4.00 + 6.00 (EUR 12.07): EUR 18.07, paid as
    /// EUR 9 then the EUR 9.07 left, which releases it. With the delay nothing is assessed: no debt yet.
    /// </summary>
    private static void AssertRevenue(string[] lines, string filer, bool atOnce, string report)
    {
        void Line(string pattern) => AssertLine(lines, pattern, report);
        if (!atOnce)
        {
            Line(@"COD express-ioss-marketplace-sale\.json payer_model=COLLECT_ON_DELIVERY status=ACCEPTED hawb=\d{10}");
            Line("COD ARRIVED status=ACCEPTED clearance=ARRIVED");
            Line("DUTY not assessed yet code=NOT_FOUND reason=RESOURCE_NOT_FOUND");
            Assert.False(lines.Any(line => line.StartsWith("PAID ", StringComparison.Ordinal) || line.StartsWith("OVERPAYMENT ", StringComparison.Ordinal)),
                $"Expected no payment before the assessment.{Environment.NewLine}{report}");
            return;
        }
        Line(@"COD express-ioss-marketplace-sale\.json payer_model=COLLECT_ON_DELIVERY status=ASSESSED hawb=\d{10}");
        Line("COD ARRIVED status=ASSESSED clearance=AWAITING_PAYMENT");
        Line($"DUTY state=DUE payer=filers/{filer} due=EUR 18\\.07 release_awaits_payment=true");
        var dutyLines = lines.Where(line => line.StartsWith("DUTY LINE ", StringComparison.Ordinal)).ToArray();
        Assert.True(dutyLines.Length == 2, $"Expected two DUTY LINE lines.{Environment.NewLine}{report}");
        Line(@"DUTY LINE FLAT_DUTY_PER_SUBHEADING EUR 6\.00 source=\S.*");
        Line(@"DUTY LINE VAT EUR 12\.07 source=.*Directive 2006/112/EC.*");
        Line("OVERPAYMENT refused code=FAILED_PRECONDITION reason=PAYMENT_EXCEEDS_BALANCE fields=amount");
        Line(@"PAID EUR 9\.00 state=PARTIALLY_PAID balance=EUR 9\.07 status=ASSESSED");
        Line(@"PAID EUR 9\.07 state=PAID balance=EUR 0\.00 status=RELEASED");
        Line("COD PAID status=RELEASED clearance=RELEASED");
    }

    /// <summary>
    /// Disposition: the undervalued single filing is held and, once arrived, returned to its sender by
    /// the officer; the filer reads it on GET (two notices: consignee and seller) and on its watch.
    /// With the delay it is not held, so there is nothing to dispose of.
    /// </summary>
    private static void AssertDisposition(string[] lines, bool atOnce, string report)
    {
        void Line(string pattern) => AssertLine(lines, pattern, report);
        Line($@"DISPOSAL express-ioss-marketplace-sale\.json earbuds=20 status={(atOnce ? "HELD" : "ACCEPTED")} hawb=\d{{10}}");
        if (!atOnce)
        {
            Line("DISPOSAL ARRIVED status=ACCEPTED clearance=ARRIVED");
            Line("DISPOSITION skipped status=ACCEPTED: only goods customs holds can be disposed of");
            Assert.False(lines.Any(line => line.StartsWith("DISPOSED ", StringComparison.Ordinal) || line.StartsWith("WATCH DISPOSED ", StringComparison.Ordinal)),
                $"Expected no disposition.{Environment.NewLine}{report}");
            return;
        }
        Line("DISPOSAL ARRIVED status=HELD clearance=ARRIVED");
        Line("DISPOSITION RETURNED_TO_SENDER status=RETURNED_TO_SENDER clearance=NOT_RELEASED");
        Line(@"DISPOSED RETURNED_TO_SENDER status=RETURNED_TO_SENDER legal_basis=ART-198 return=\d{10} notices=2 appeal_deadline=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z");
        Line("WATCH DISPOSED RETURNED_TO_SENDER legal_basis=ART-198");
    }

    /// <summary>The house waybill of the house with <paramref name="earbuds"/>, after asserting its HOUSE line.</summary>
    private static string HouseDocument(string[] lines, int earbuds, string status, string report)
    {
        var pattern = $"^HOUSE express-ioss-marketplace-sale\\.json earbuds={earbuds} status={status} master=MASTER_NOT_FILED hawb=(\\d{{10}})$";
        var match = lines.Select(line => Regex.Match(line, pattern)).FirstOrDefault(m => m.Success);
        Assert.True(match is not null, $"No output line matches {pattern}.{Environment.NewLine}{report}");
        return match.Groups[1].Value;
    }

    /// <summary>Asserts that one whole line of <paramref name="lines"/> matches <paramref name="pattern"/>.</summary>
    public static void AssertLine(string[] lines, string pattern, string report) =>
        Assert.True(lines.Any(line => Regex.IsMatch(line, $"^{pattern}$")), $"No output line matches '{pattern}'.{Environment.NewLine}{report}");
}
