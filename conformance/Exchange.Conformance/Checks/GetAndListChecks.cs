using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>GetDeclaration and ListDeclarations: reading back, filer isolation, pagination (AIP-158) and filters.</summary>
internal static class GetAndListChecks
{
    private const string Area = "Get and List";
    private const int PageSize = 2;
    private const int Submitted = 5;

    public static IEnumerable<Check> All =>
    [
        new("get.returns-submitted", Area, "Get returns the declaration exactly as Submit returned it", ReturnsSubmittedAsync),
        new("get.unknown-not-found", Area, "Get of an unknown declaration is NOT_FOUND DECLARATION_NOT_FOUND", UnknownNotFoundAsync),
        new("get.malformed-name", Area, "Get with a malformed name is INVALID_ARGUMENT naming the field name", MalformedNameAsync),
        new("get.other-filer-denied", Area, "Another filer cannot Get a declaration: PERMISSION_DENIED FILER_MISMATCH", OtherFilerDeniedAsync),
        new("list.pages-newest-first", Area, "List pages through every declaration once, newest first, ending with an empty next_page_token", PagesNewestFirstAsync),
        new("list.page-token-bound-to-filters", Area, "A page token reused with other filters is INVALID_ARGUMENT INVALID_PAGE_TOKEN", PageTokenBoundToFiltersAsync),
        new("list.malformed-page-token", Area, "A malformed page token is INVALID_ARGUMENT INVALID_PAGE_TOKEN", MalformedPageTokenAsync),
        new("list.filter-by-reference", Area, "List filters by reference: the LRN and the customs reference", FilterByReferenceAsync),
        new("list.filter-by-create-time", Area, "List filters by creation time: from create_time_start (inclusive) to create_time_end (exclusive)", FilterByCreateTimeAsync),
        new("list.filter-by-status", Area, "List filters by status, combined with the reference (AND)", FilterByStatusAsync),
        new("list.invalid-page-size", Area, "A negative page_size is INVALID_ARGUMENT naming page_size", InvalidPageSizeAsync),
        new("list.other-filer-denied", Area, "Listing another filer's declarations is PERMISSION_DENIED FILER_MISMATCH", ListOtherFilerDeniedAsync),
        new("list.only-own", Area, "A filer's own list never shows another filer's declarations", OnlyOwnAsync),
    ];

    private static async Task ReturnsSubmittedAsync(CheckContext context)
    {
        var submitted = await context.SubmitAsync();

        var fetched = await Expect.SucceedsAsync("GetDeclaration of a submitted declaration",
            () => context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = submitted.Name }).ResponseAsync);

        Expect.SameDeclaration(submitted, fetched.Declaration, "the declaration Get returned");
    }

    private static async Task UnknownNotFoundAsync(CheckContext context)
    {
        var name = $"{context.Parent}/declarations/{Guid.NewGuid():N}";

        await Expect.FailsAsync($"GetDeclaration of {name}", StatusCode.NotFound, "DECLARATION_NOT_FOUND",
            () => context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = name }).ResponseAsync);
    }

    private static async Task MalformedNameAsync(CheckContext context)
    {
        var status = await Expect.FailsAsync("GetDeclaration of \"declarations/x\"", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = "declarations/x" }).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "name");
    }

    private static async Task OtherFilerDeniedAsync(CheckContext context)
    {
        var mine = await context.SubmitAsync();

        await Expect.FailsAsync($"GetDeclaration by {context.OtherFiler} of {mine.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherClient.GetDeclarationAsync(new GetDeclarationRequest { Name = mine.Name }).ResponseAsync);
    }

    private static async Task PagesNewestFirstAsync(CheckContext context)
    {
        var lrn = context.NewLrn(); // LRNs may repeat across declarations: one LRN isolates this check's five
        var submitted = new List<Declaration>();
        for (var i = 0; i < Submitted; i++)
        {
            submitted.Add(await context.SubmitAsync(Samples.ConformanceSamples.PostalGift(lrn)));
        }

        var seen = new List<Declaration>();
        var request = new ListDeclarationsRequest { Parent = context.Parent, Reference = lrn, PageSize = PageSize };
        for (var pages = 1; ; pages++)
        {
            var page = await Expect.SucceedsAsync($"ListDeclarations page {pages}", () => context.Client.ListDeclarationsAsync(request).ResponseAsync);
            Expect.That(page.Declarations.Count <= PageSize, $"page {pages} has {page.Declarations.Count} declarations, more than page_size {PageSize}");
            seen.AddRange(page.Declarations);
            if (page.NextPageToken == "")
            {
                break;
            }
            Expect.That(pages < Submitted + 2, $"still a next_page_token after {pages} pages of {PageSize} for {Submitted} declarations");
            request.PageToken = page.NextPageToken;
        }

        var names = seen.Select(d => d.Name).ToList();
        var repeated = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Expect.That(repeated.Count == 0, $"listed more than once: {string.Join(", ", repeated)}");
        var missing = submitted.Select(d => d.Name).Except(names).ToList();
        Expect.That(missing.Count == 0, $"never listed: {string.Join(", ", missing)}");
        Expect.Equal(Submitted, seen.Count, "declarations listed");
        for (var i = 1; i < seen.Count; i++)
        {
            Expect.That(seen[i].CreateTime.ToDateTimeOffset() <= seen[i - 1].CreateTime.ToDateTimeOffset(),
                $"not newest first: {seen[i].Name} (created {seen[i].CreateTime}) is listed after {seen[i - 1].Name} (created {seen[i - 1].CreateTime})");
        }
        if (submitted.Select(d => d.CreateTime).Distinct().Count() == Submitted)
        {
            Expect.Sequence(submitted.Select(d => d.Name).Reverse(), names, "the order of the list (submitted one after the other)");
        }
    }

    private static async Task PageTokenBoundToFiltersAsync(CheckContext context)
    {
        var lrn = context.NewLrn();
        for (var i = 0; i < 3; i++)
        {
            await context.SubmitAsync(Samples.ConformanceSamples.PostalGift(lrn));
        }
        var first = await Expect.SucceedsAsync("ListDeclarations", () => context.Client.ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = context.Parent, Reference = lrn, PageSize = 1 }).ResponseAsync);
        Expect.NotEmpty(first.NextPageToken, "the next_page_token of page 1 of 3 (page_size 1)");

        await Expect.FailsAsync("ListDeclarations with the page token of another reference filter", StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN",
            () => context.Client.ListDeclarationsAsync(new ListDeclarationsRequest
            {
                Parent = context.Parent, Reference = context.NewLrn(), PageSize = 1, PageToken = first.NextPageToken,
            }).ResponseAsync);
        await Expect.FailsAsync("ListDeclarations with the page token of another status filter", StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN",
            () => context.Client.ListDeclarationsAsync(new ListDeclarationsRequest
            {
                Parent = context.Parent, Reference = lrn, Status = DeclarationStatus.Cancelled, PageSize = 1, PageToken = first.NextPageToken,
            }).ResponseAsync);
    }

    private static async Task MalformedPageTokenAsync(CheckContext context)
    {
        await Expect.FailsAsync("ListDeclarations with page_token \"not-a-token!\"", StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN",
            () => context.Client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = context.Parent, PageToken = "not-a-token!" }).ResponseAsync);
    }

    private static async Task FilterByReferenceAsync(CheckContext context)
    {
        var first = await context.SubmitAsync();
        var second = await context.SubmitAsync();

        var byLrn = await Expect.SucceedsAsync("ListDeclarations by LRN", () => context.Client.ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = context.Parent, Reference = second.LocalReferenceNumber }).ResponseAsync);
        Expect.Sequence([second.Name], byLrn.Declarations.Select(d => d.Name), $"declarations listed with reference {second.LocalReferenceNumber} (its LRN)");

        var byMrn = await Expect.SucceedsAsync("ListDeclarations by customs reference", () => context.Client.ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = context.Parent, Reference = first.CustomsReference }).ResponseAsync);
        Expect.Sequence([first.Name], byMrn.Declarations.Select(d => d.Name), $"declarations listed with reference {first.CustomsReference} (its customs reference)");
    }

    private static async Task FilterByCreateTimeAsync(CheckContext context)
    {
        var lrn = context.NewLrn();
        var submitted = new List<Declaration>();
        for (var i = 0; i < 3; i++)
        {
            submitted.Add(await context.SubmitAsync(Samples.ConformanceSamples.PostalGift(lrn)));
            await Task.Delay(TimeSpan.FromMilliseconds(20), context.Cancellation); // distinct creation times on a millisecond clock
        }
        if (submitted.Select(d => d.CreateTime).Distinct().Count() < submitted.Count)
        {
            throw new CheckSetupException("three declarations submitted 20 ms apart got equal create_time values: cannot tell the bounds apart");
        }

        var middle = await Expect.SucceedsAsync("ListDeclarations by reference and creation time", () => context.Client.ListDeclarationsAsync(
            new ListDeclarationsRequest
            {
                Parent = context.Parent, Reference = lrn, CreateTimeStart = submitted[1].CreateTime, CreateTimeEnd = submitted[2].CreateTime,
            }).ResponseAsync);

        Expect.Sequence([submitted[1].Name], middle.Declarations.Select(d => d.Name),
            "declarations listed from the second's create_time up to the third's");
    }

    private static async Task InvalidPageSizeAsync(CheckContext context)
    {
        var status = await Expect.FailsAsync("ListDeclarations with page_size -1", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = context.Parent, PageSize = -1 }).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "page_size");
    }

    private static async Task FilterByStatusAsync(CheckContext context)
    {
        var lrn = context.NewLrn();
        var cancelled = await context.CancelAsync(await context.SubmitAsync(Samples.ConformanceSamples.PostalGift(lrn)));
        var accepted = await context.SubmitAsync(Samples.ConformanceSamples.PostalGift(lrn));

        var onlyCancelled = await Expect.SucceedsAsync("ListDeclarations by reference and status CANCELLED", () => context.Client.ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = context.Parent, Reference = lrn, Status = DeclarationStatus.Cancelled }).ResponseAsync);
        Expect.Sequence([cancelled.Name], onlyCancelled.Declarations.Select(d => d.Name), "declarations listed with status CANCELLED");

        // ACCEPTED, or whatever the node decided at once (never CANCELLED).
        var status = (await Expect.SucceedsAsync("GetDeclaration", () => context.Client.GetDeclarationAsync(
            new GetDeclarationRequest { Name = accepted.Name }).ResponseAsync)).Declaration.Status;
        var label = RpcErrorText.ProtoName(status);
        var onlyThat = await Expect.SucceedsAsync($"ListDeclarations by reference and status {label}", () => context.Client.ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = context.Parent, Reference = lrn, Status = status }).ResponseAsync);
        Expect.Sequence([accepted.Name], onlyThat.Declarations.Select(d => d.Name), $"declarations listed with status {label}");
    }

    private static async Task ListOtherFilerDeniedAsync(CheckContext context)
    {
        await Expect.FailsAsync($"ListDeclarations by {context.OtherFiler} of {context.Parent}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherClient.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = context.Parent }).ResponseAsync);
    }

    private static async Task OnlyOwnAsync(CheckContext context)
    {
        var mine = await context.SubmitAsync();

        var theirs = await Expect.SucceedsAsync($"ListDeclarations by {context.OtherFiler} of its own declarations", () => context.OtherClient.ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = $"filers/{context.OtherFiler}", Reference = mine.LocalReferenceNumber }).ResponseAsync);

        Expect.Equal(0, theirs.Declarations.Count, $"declarations {context.OtherFiler} sees with {context.Filer}'s LRN {mine.LocalReferenceNumber}");
    }
}
