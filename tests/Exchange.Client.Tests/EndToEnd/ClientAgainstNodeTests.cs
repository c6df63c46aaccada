using Exchange.Client.Commands;
using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Enforcement = Exchange.Contracts.Enforcement.V1;

namespace Exchange.Client.Tests.EndToEnd;

/// <summary>The sample client and its sample files against a real Exchange node (in memory, SQLite).</summary>
public sealed class ClientAgainstNodeTests : IDisposable
{
    private const string Filer = "demo-filer";
    private readonly ExchangeNode _node = new();
    private readonly CapturedConsole _output = new();

    public void Dispose() => _node.Dispose();

    private Task<int> RunAsync(params string[] args) => RunOn(_node, _output, Filer, args);

    private Task<List<Declaration>> StoredAsync() => StoredOn(_node);

    /// <summary>Runs the client as <paramref name="filer"/> against <paramref name="node"/>, printing into <paramref name="output"/>.</summary>
    private static Task<int> RunOn(ExchangeNode node, CapturedConsole output, string filer, string[] args, CancellationToken cancellationToken = default) =>
        new ClientApp(output.Console, _ => node.CallInvokerFor(null)).RunAsync([.. args, "--filer", filer], cancellationToken);

    private static async Task<List<Declaration>> StoredOn(ExchangeNode node) =>
        [.. (await node.ClientFor(Filer).ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}", PageSize = 1000 })).Declarations];

    [Fact]
    public async Task Both_valid_samples_are_accepted()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("submit", Samples.PostalGift));
        Assert.Equal(ExitCodes.Success, await RunAsync("submit", Samples.ExpressSale));

        var stored = await StoredAsync();
        Assert.Equal(["LRN-SALE-0001", "LRN-GIFT-0001"], stored.Select(d => d.LocalReferenceNumber));
        Assert.All(stored, d => Assert.Contains(d.CustomsReference, _output.Text));
        Assert.DoesNotContain("Warning", _output.Text);
    }

    [Fact]
    public async Task The_same_file_submitted_again_under_a_new_request_id_is_accepted_with_a_warning_naming_the_first()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("submit", Samples.PostalGift));
        Assert.Equal(ExitCodes.Success, await RunAsync("submit", Samples.PostalGift));

        var stored = await StoredAsync();
        Assert.Equal(2, stored.Count);
        Assert.Contains($"Warning (DUPLICATE_LOCAL_REFERENCE_NUMBER): This filer used the LRN LRN-GIFT-0001 for another declaration within the last 30 days ({stored[1].Name})", _output.Text);
    }

    [Fact]
    public async Task Each_sample_is_checked_before_filing_and_printed_as_the_data_set_of_each_of_its_profiles()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("profiles"));
        Assert.Contains("US-ENTRY-TYPE-86", _output.Text);

        var samples = new Dictionary<string, string[]>
        {
            [Samples.PostalGift] = ["EU-H7", "EU-ICS2-HOUSE-POSTAL", "UPU-CN23"],
            [Samples.ExpressSale] = ["EU-H7", "EU-ICS2-HOUSE-EXPRESS"],
        };
        foreach (var (file, profiles) in samples)
        {
            Assert.Equal(ExitCodes.Success, await RunAsync("check-data", file));
            Assert.Contains($"Complete: no rule broken, every profile satisfied ({string.Join(", ", profiles)})", _output.Text);
            Assert.Equal(ExitCodes.Success, await RunAsync("submit", file));
        }
        foreach (var declaration in await StoredAsync())
        {
            var id = declaration.Name.Split('/')[^1];
            foreach (var profile in samples.Single(s => s.Value.Length == (declaration.Channel == Channel.Postal ? 3 : 2)).Value)
            {
                Assert.Equal(ExitCodes.Success, await RunAsync("dataset", profile, id));
                Assert.Contains($"{profile} {Exchange.Core.Profiles.DataSetProfiles.BuiltIn.Find(profile)!.Version}: complete", _output.Text);
            }

            // A profile the declaration does not satisfy is printed too, its gaps shown.
            Assert.Equal(ExitCodes.Success, await RunAsync("dataset", "US-ENTRY-TYPE-86", id));
            Assert.Contains("US-ENTRY-TYPE-86 2026.2: not complete", _output.Text);
        }
        Assert.Contains("local_reference_number", _output.Text);

        // Every declaration of the bulk sample file prints as the data set of each profile its destination and channel call for.
        await RunAsync("bulk-submit", Samples.BulkMixed);
        foreach (var declaration in (await StoredAsync()).Where(d => d.LocalReferenceNumber.StartsWith("LRN-BULK", StringComparison.Ordinal)))
        {
            foreach (var profile in Exchange.Core.Profiles.DataSetProfiles.BuiltIn.For(declaration))
            {
                Assert.Equal(ExitCodes.Success, await RunAsync("dataset", profile.Id, declaration.Name.Split('/')[^1]));
                Assert.Contains($"{profile.Id} {profile.Version}: ", _output.Text);
            }
        }

        // The same sale checked as a US Entry Type 86 is not complete: every gap is named, nothing is stored.
        Assert.Equal(ExitCodes.Rejected, await RunAsync("check-data", Samples.ExpressSale, "--profile", "US-ENTRY-TYPE-86"));
        Assert.Contains("declaration.us_entry.entry_number: is required by this data set", _output.Text);
        Assert.Equal(2 + SampleFiles.BulkMixedAccepted, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task The_invalid_sample_comes_back_with_every_violation_named()
    {
        var code = await RunAsync("submit", Samples.Invalid);

        Assert.Equal(ExitCodes.Rejected, code);
        var text = _output.Text;
        Assert.Contains("VALIDATION_FAILED", text);
        foreach (var path in SampleFiles.InvalidSampleViolations)
        {
            Assert.Contains(path, text);
        }
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task Bulk_submit_accepts_the_valid_lines_and_names_the_rejected_ones_and_a_rerun_is_a_retry()
    {
        var code = await RunAsync("bulk-submit", Samples.BulkMixed);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Equal(SampleFiles.BulkMixedAccepted, (await StoredAsync()).Count);
        Assert.Contains(SampleFiles.BulkMixedAccepted.ToString(System.Globalization.CultureInfo.InvariantCulture), _output.Text);

        await RunAsync("bulk-submit", Samples.BulkMixed);
        Assert.Equal(SampleFiles.BulkMixedAccepted, (await StoredAsync()).Count);
        // Every LRN of the sample is its own, and a retry is not a reuse.
        Assert.DoesNotContain("Warning", _output.Text);
    }

    [Fact]
    public async Task Bulk_submit_prints_the_warning_of_an_item_reusing_an_lrn()
    {
        // The same parcel twice under one LRN, the second addressed to another street: two
        // different submissions (request ids come from the content), one LRN.
        using var dir = new TempDirectory();
        var gift = await File.ReadAllTextAsync(Samples.PostalGift);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "a.json"), gift);
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "b.json"), gift.Replace("Hauptstrasse 5", "Hauptstrasse 7", StringComparison.Ordinal));

        Assert.Equal(ExitCodes.Success, await RunAsync("bulk-submit", dir.Path));

        Assert.Equal(2, (await StoredAsync()).Count);
        Assert.Contains("DUPLICATE_LOCAL_REFERENCE_NUMBER): This filer used the LRN LRN-GIFT-0001 for another declaration", _output.Text);
    }

    [Fact]
    public async Task Get_list_and_cancel_work_on_what_was_submitted()
    {
        await RunAsync("submit", Samples.PostalGift);
        var stored = Assert.Single(await StoredAsync());
        var id = stored.Name.Split('/')[^1];

        Assert.Equal(ExitCodes.Success, await RunAsync("get", id));
        Assert.Contains(stored.CustomsReference, _output.Text);
        Assert.Equal(ExitCodes.Success, await RunAsync("list"));
        Assert.Equal(ExitCodes.Success, await RunAsync("cancel", id, "--reason", "Buyer cancelled the order"));

        Assert.Equal(DeclarationStatus.Cancelled, Assert.Single(await StoredAsync()).Status);
    }

    [Fact]
    public async Task Arrive_releases_an_assessed_declaration_and_shows_both_lifecycles()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        var output = new CapturedConsole();
        Task<int> Run(params string[] args) => RunOn(assessing, output, Filer, args);

        Assert.Equal(ExitCodes.Success, await Run("submit", Samples.PostalGift));
        Assert.Contains("ASSESSED", output.Text);
        Assert.Contains("COMPLETE", output.Text); // the security assessment
        var submitted = Assert.Single((await assessing.ClientFor(Filer).ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = $"filers/{Filer}" })).Declarations);

        Assert.Equal(ExitCodes.Success, await Run("arrive", submitted.Name.Split('/')[^1], "--office", "NL000396", "--conveyance", "KL1234"));

        Assert.Contains("Arrived: released", output.Text);
        var released = (await assessing.ClientFor(Filer).GetDeclarationAsync(new GetDeclarationRequest { Name = submitted.Name })).Declaration;
        Assert.Equal(DeclarationStatus.Released, released.Status);
        Assert.Equal("KL1234", released.Clearance.ArrivalConveyanceReference);
        Assert.Equal(ExitCodes.Rejected, await Run("arrive", submitted.Name.Split('/')[^1]));
        Assert.Contains("GOODS_ARRIVED", output.Text);
    }

    [Fact]
    public async Task Answer_agency_answers_the_agencys_request_once()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        var output = new CapturedConsole();
        Task<int> Run(params string[] args) => RunOn(assessing, output, Filer, args);
        var agency = assessing.AgencyClient("nvwa");
        await agency.CreateSubscriptionAsync(new Enforcement.CreateSubscriptionRequest
        {
            Parent = "agencies/nvwa",
            SubscriptionId = "audio",
            Subscription = new Enforcement.Subscription { HsPrefixes = { "8518" }, Description = "Radio equipment", HoldForReview = true },
        });
        Assert.Equal(ExitCodes.Success, await Run("submit", Samples.ExpressSale));
        var held = Assert.Single(await StoredOn(assessing));
        Assert.Equal(DeclarationStatus.Held, held.Status);
        await agency.CreateAgencyRequestAsync(new Enforcement.CreateAgencyRequestRequest
        {
            Declaration = held.Name, Agency = "agencies/nvwa", RequestText = "Send the declaration of conformity.",
        });
        var id = held.Name.Split('/')[^1];

        Assert.Equal(ExitCodes.Success, await Run("answer-agency", id, "--request", "1", "--text", "Attached.", "--document", "N935:DOC-1:https://docs.example/DOC-1.pdf"));

        Assert.Contains("Answered the agency", output.Text);
        var answered = Assert.Single(Assert.Single(await StoredOn(assessing)).AgencyRequests);
        Assert.Equal(AgencyRequestState.Answered, answered.State);
        Assert.Equal(("Attached.", "https://docs.example/DOC-1.pdf"), (answered.Response.Text, answered.Response.Documents[0].Uri));
        Assert.Equal(ExitCodes.Rejected, await Run("answer-agency", id, "--request", "1", "--text", "Again."));
        Assert.Contains("AGENCY_REQUEST_NOT_OPEN", output.Text);
    }

    [Fact]
    public async Task Assessment_shows_what_a_collect_on_delivery_parcel_owes_and_pay_releases_it()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        using var directory = new TempDirectory();
        var output = new CapturedConsole();
        Task<int> Run(params string[] args) => RunOn(assessing, output, Filer, args);
        var parcel = SampleDeclarations.ExpressMarketplaceSale("LRN-COD-CLI");
        parcel.IossNumber = "";
        parcel.PayerModel = PayerModel.CollectOnDelivery;
        var file = Path.Combine(directory.Path, "cod.json");
        await File.WriteAllTextAsync(file, Google.Protobuf.JsonFormatter.Default.Format(parcel));

        Assert.Equal(ExitCodes.Success, await Run("submit", file));
        var id = Assert.Single(await StoredOn(assessing)).Name.Split('/')[^1];
        Assert.Equal(ExitCodes.Rejected, await Run("assessment", id));
        Assert.Contains("RESOURCE_NOT_FOUND", output.Text);
        Assert.Equal(ExitCodes.Success, await Run("arrive", id));

        Assert.Equal(ExitCodes.Success, await Run("assessment", id));
        Assert.Contains("DUE", output.Text);
        Assert.Contains("COLLECT_ON_DELIVERY", output.Text);
        Assert.Contains("due EUR 18.07", output.Text);
        Assert.Contains("Directive 2006/112/EC", output.Text); // the VAT line's legal source

        Assert.Equal(ExitCodes.Rejected, await Run("pay", id, "--amount", "EUR 18.075"));
        Assert.Contains("amount.nanos", output.Text);
        Assert.Equal(ExitCodes.Rejected, await Run("pay", id, "--amount", "18.07"));
        Assert.Equal(ExitCodes.Rejected, await Run("pay", id, "--amount", "EUR 19"));
        Assert.Contains("PAYMENT_EXCEEDS_BALANCE", output.Text);

        // The journey of the TypeScript and Python scenarios: a part payment, then the balance.
        var before = output.Text.Length;
        Assert.Equal(ExitCodes.Success, await Run("pay", id, "--amount", "EUR 9", "--reference", "RCPT-6"));
        Assert.Contains("the declaration is ASSESSED", output.Text[before..]);
        Assert.Contains("PARTIALLY_PAID", output.Text[before..]);
        Assert.Contains("balance EUR 9.07", output.Text[before..]);
        Assert.Equal(ExitCodes.Success, await Run("pay", id, "--amount", "EUR 9.07", "--reference", "RCPT-7"));
        Assert.Contains("the declaration is RELEASED", output.Text);
        Assert.Equal(DeclarationStatus.Released, Assert.Single(await StoredOn(assessing)).Status);
    }

    [Fact]
    public async Task Get_summary_and_watch_show_what_an_officer_disposed_of_a_held_parcel()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        using var directory = new TempDirectory();
        var output = new CapturedConsole();
        Task<int> Run(string[] args, CancellationToken cancellationToken = default) => RunOn(assessing, output, Filer, args, cancellationToken);
        var parcel = SampleDeclarations.ExpressMarketplaceSale("LRN-RTS-CLI");
        parcel.TransportDocument.MasterWaybill = "";
        parcel.Items[0].Quantity.Value.Value = "20"; // EUR 39.98 for 20 earbuds is undervalued: held
        var file = Path.Combine(directory.Path, "undervalued.json");
        await File.WriteAllTextAsync(file, Google.Protobuf.JsonFormatter.Default.Format(parcel));
        Assert.Equal(ExitCodes.Success, await Run(["submit", file]));
        var held = Assert.Single(await StoredOn(assessing));
        Assert.Equal(DeclarationStatus.Held, held.Status);
        var id = held.Name.Split('/')[^1];
        Assert.Equal(ExitCodes.Success, await Run(["arrive", id]));

        // The officer's side, which this filer's client has no command for (the sample scenarios show it).
        var officer = assessing.OfficerClient("officer-1");
        var current = (await officer.GetDeclarationAsync(new Enforcement.GetDeclarationRequest { Name = held.Name })).Declaration;
        await officer.RecordDispositionAsync(new Enforcement.RecordDispositionRequest
        {
            Name = held.Name,
            Type = DispositionType.ReturnedToSender,
            LegalBasis = new LegalBasis { Code = "ART-198", Citation = "Article 198 of the national customs act" },
            Reason = "Declared value far below the goods' value.",
            ReturnItemIdentifier = "RTS-0001",
            Etag = current.Etag,
        });

        Assert.Equal(ExitCodes.Success, await Run(["get", id, "--summary"]));
        Assert.Contains("RETURNED_TO_SENDER: Declared value far below the goods' value.", output.Text);
        Assert.Contains("Article 198 of the national customs act (ART-198)", output.Text);
        Assert.Contains("RTS-0001", output.Text);
        var events = await WatchUntilAsync(output, "DISPOSED", stop => Run(["watch", "--history", "--declaration", id], stop));
        Assert.Contains(events, line => line.Contains("DISPOSED", StringComparison.Ordinal) && line.Contains("RETURNED_TO_SENDER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_carrier_files_the_master_a_marketplace_the_house_and_the_arrival_releases_it()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        var output = new CapturedConsole();
        Task<int> Run(string filer, params string[] args) => RunOn(assessing, output, filer, args);

        Assert.Equal(ExitCodes.Success, await Run("swift-express", "consignment-create", Samples.ConsignmentAirMaster, "--id", "mawb-176-12345675"));
        Assert.Contains("OPEN", output.Text);
        Assert.Equal(ExitCodes.Success, await Run("global-bazaar", "submit", Samples.ExpressSale));
        Assert.Equal(ExitCodes.Success, await Run("swift-express", "consignment-houses", "mawb-176-12345675"));
        Assert.Contains("1234567890", output.Text); // the house waybill
        Assert.DoesNotContain("Jan de Vries", output.Text); // nor its consignee

        Assert.Equal(ExitCodes.Success, await Run("swift-express", "consignment-arrive", "mawb-176-12345675", "--office", "NL000396"));

        Assert.Contains("Houses arrived: 1   released: 1", output.Text);
        var house = Assert.Single((await assessing.ClientFor("global-bazaar").ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = "filers/global-bazaar" })).Declarations);
        Assert.Equal(DeclarationStatus.Released, house.Status);
        Assert.Equal("filers/swift-express/consignments/mawb-176-12345675", house.MasterConsignment.Consignment);
        Assert.Equal(ExitCodes.Rejected, await Run("swift-express", "consignment-create", Samples.ExpressSale, "--id", "wrong-file"));
    }

    [Fact]
    public async Task Present_records_the_presentation_of_arrived_goods_and_a_repeat_shows_them_as_they_are()
    {
        // An assessment an hour away: the goods arrive still being analysed, not released, so there is something to present.
        using var analysing = new ExchangeNode(settings: new Dictionary<string, string?> { ["Exchange:Assessment:Delay"] = "01:00:00" });
        var output = new CapturedConsole();
        Task<int> Run(params string[] args) => RunOn(analysing, output, Filer, args);

        Assert.Equal(ExitCodes.Success, await Run("submit", Samples.PostalGift));
        var id = Assert.Single(await StoredOn(analysing)).Name.Split('/')[^1];

        Assert.Equal(ExitCodes.Rejected, await Run("present", id));
        Assert.Contains("GOODS_NOT_ARRIVED", output.Text);

        Assert.Equal(ExitCodes.Success, await Run("arrive", id));
        Assert.Equal(ExitCodes.Success, await Run("present", id));

        Assert.Contains("Presented for control", output.Text);
        Assert.Contains("PRESENTED", output.Text);
        var presented = Assert.Single(await StoredOn(analysing));
        Assert.Equal(ClearanceState.Presented, presented.Clearance.State);
        Assert.NotNull(presented.Clearance.PresentationTime);
        Assert.Equal(ExitCodes.Success, await Run("present", id));
        Assert.Equal(presented.Revision, Assert.Single(await StoredOn(analysing)).Revision);
    }

    [Fact]
    public async Task A_carrier_presents_its_held_house_an_officer_releases_it_and_the_carrier_watches_the_notices()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        var output = new CapturedConsole();
        Task<int> Run(string filer, string[] args, CancellationToken cancellationToken = default) =>
            RunOn(assessing, output, filer, args, cancellationToken);
        const string consignment = "mawb-176-12345675";

        Assert.Equal(ExitCodes.Success, await Run("swift-express", ["consignment-create", Samples.ConsignmentAirMaster, "--id", consignment]));
        // Undervalued: held with a request for information.
        var house = (await assessing.ClientFor("global-bazaar").SubmitDeclarationAsync(new SubmitDeclarationRequest
        {
            Parent = "filers/global-bazaar", Declaration = SampleDeclarations.Undervalued(), RequestId = Guid.NewGuid().ToString(),
        })).Declaration;
        Assert.Equal(DeclarationStatus.Held, house.Status);
        Assert.Equal(ExitCodes.Success, await Run("swift-express", ["consignment-arrive", consignment]));
        Assert.Contains("to present for control: 1", output.Text);
        Assert.Contains("CUSTOMS_HOLD", output.Text);

        Assert.Equal(ExitCodes.Rejected, await Run("swift-express", ["consignment-present", consignment, "1234567890", "9999999999"]));
        Assert.Contains("house_references[1]", output.Text);
        Assert.Null((await assessing.ClientFor("global-bazaar").GetDeclarationAsync(new GetDeclarationRequest { Name = house.Name })).Declaration.Clearance.PresentationTime);
        Assert.Equal(ExitCodes.Success, await Run("swift-express", ["consignment-present", consignment, "1234567890"]));
        Assert.Contains($"Presented for control 1 house(s) of filers/swift-express/consignments/{consignment}", output.Text);
        Assert.Contains("PRESENTED", output.Text);

        var officer = assessing.OfficerClient("officer-jansen");
        var current = (await officer.GetDeclarationAsync(new Enforcement.GetDeclarationRequest { Name = house.Name })).Declaration;
        var controlled = (await officer.RecordControlResultAsync(new Enforcement.RecordControlResultRequest
        {
            Name = house.Name, Outcome = ControlOutcome.Satisfactory, Remarks = "Goods match the declaration.", Etag = current.Etag,
        })).Declaration;
        Assert.Equal(DeclarationStatus.Released, controlled.Status);

        var notices = await WatchUntilAsync(output, "HOUSE_RELEASED", stop => Run("swift-express", ["consignment-watch", "--history"], stop));
        Assert.Equal(ConsignmentWatchCommand.Header, notices[0]);
        Assert.Equal(
            [("HOUSE_REFERRAL_OPENED", "REQUEST_FOR_INFORMATION"), ("HOUSE_CONTROL_REQUIRED", "-"), ("HOUSE_RELEASED", "-")],
            notices.Skip(1).Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(columns => (columns[2], columns[^1])));
        Assert.All(notices.Skip(1), line => Assert.Contains($"1234567890", line));
        Assert.All(notices.Skip(1), line => Assert.Contains(consignment, line));

        // Resuming after the first notice's cursor shows the later ones only.
        var first = notices[1].Split(' ')[0];
        var resumed = await WatchUntilAsync(output, "HOUSE_RELEASED", stop => Run("swift-express", ["consignment-watch", "--cursor", first, "--consignment", consignment], stop));
        Assert.Equal(["HOUSE_CONTROL_REQUIRED", "HOUSE_RELEASED"], resumed.Skip(1).Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries)[2].Trim()));
    }

    /// <summary>
    /// Runs a watch command until a line containing <paramref name="last"/> appears, then stops it as
    /// Ctrl+C would; returns the lines it printed from its column headings on.
    /// </summary>
    private static async Task<string[]> WatchUntilAsync(CapturedConsole output, string last, Func<CancellationToken, Task<int>> watch)
    {
        var before = output.Text.Length;
        using var stop = new CancellationTokenSource();
        var watching = watch(stop.Token);
        try
        {
            await output.WaitForAsync(last, from: before);
        }
        finally
        {
            await stop.CancelAsync(); // also when it timed out, so the watch does not outlive the test
        }
        Assert.Equal(ExitCodes.Success, await watching);
        return output.Text[before..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SkipWhile(line => !line.StartsWith("CURSOR", StringComparison.Ordinal))
            .ToArray();
    }
}
