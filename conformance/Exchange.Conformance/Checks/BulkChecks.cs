using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Samples;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>BulkSubmitDeclarations: one answer per item, in order; a refused item gets its own status and the stream goes on.</summary>
internal static class BulkChecks
{
    private const string Area = "Bulk";

    public static IEnumerable<Check> All =>
    [
        new("bulk.answers-in-order", Area, "Bulk answers every item in order with its index and request_id; an invalid item gets its own status with a BadRequest", AnswersInOrderAsync),
        new("bulk.idempotent-retry", Area, "Resending bulk items with their request_ids returns the identical declarations", IdempotentRetryAsync),
        new("bulk.other-filer-item", Area, "An item for another filer is refused alone with PERMISSION_DENIED FILER_MISMATCH", OtherFilerItemAsync),
    ];

    private static BulkSubmitDeclarationsRequest Item(CheckContext context, Declaration declaration) => new()
    {
        Parent = context.Parent, Declaration = declaration, RequestId = CheckContext.NewRequestId(),
    };

    private static async Task AnswersInOrderAsync(CheckContext context)
    {
        var invalid = new[] { 1, 4 };
        var items = Enumerable.Range(0, 6).Select(i =>
        {
            var declaration = ConformanceSamples.ExpressMarketplaceSale(context.NewLrn());
            if (invalid.Contains(i))
            {
                declaration.Items[1].HsCode = "ABC";
            }
            return Item(context, declaration);
        }).ToList();

        var answers = await SendAsync(context, items);

        Expect.Sequence(Enumerable.Range(0, items.Count).Select(i => (long)i), answers.Select(a => a.Index), "the indexes of the answers");
        Expect.Sequence(items.Select(i => i.RequestId), answers.Select(a => a.RequestId), "the request_ids of the answers");
        foreach (var answer in answers)
        {
            var what = $"the answer to item {answer.Index}";
            if (invalid.Contains((int)answer.Index))
            {
                Expect.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Error, answer.ResultCase, $"{what} (hs_code \"ABC\")");
                var status = Expect.Error(answer.Error, what, StatusCode.InvalidArgument, "VALIDATION_FAILED");
                Expect.NamesFields(status, what, "declaration.items[1].hs_code");
            }
            else
            {
                Expect.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, answer.ResultCase, $"{what} (valid)");
                Expect.NewlyAccepted(answer.Declaration, context.Filer, what);
                Expect.Equal(items[(int)answer.Index].Declaration.LocalReferenceNumber, answer.Declaration.LocalReferenceNumber, $"{what}: local_reference_number");
            }
        }
    }

    private static async Task IdempotentRetryAsync(CheckContext context)
    {
        var items = Enumerable.Range(0, 3).Select(_ => Item(context, ConformanceSamples.PostalGift(context.NewLrn()))).ToList();

        var first = await SendAsync(context, items);
        var again = await SendAsync(context, items);

        foreach (var (before, after) in first.Zip(again))
        {
            Expect.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, before.ResultCase, $"the first answer to item {before.Index}");
            Expect.SameDeclaration(before.Declaration, after.Declaration, $"the declaration answered to the resent item {after.Index}");
        }
        Expect.Equal(items.Count, again.Count, "answers to the resent stream");
    }

    private static async Task OtherFilerItemAsync(CheckContext context)
    {
        var foreign = Item(context, ConformanceSamples.PostalGift(context.NewLrn()));
        foreign.Parent = $"filers/{context.OtherFiler}";
        var items = new[] { Item(context, ConformanceSamples.PostalGift(context.NewLrn())), foreign, Item(context, ConformanceSamples.PostalGift(context.NewLrn())) };

        var answers = await SendAsync(context, items);

        Expect.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, answers[0].ResultCase, "the answer to item 0");
        Expect.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Error, answers[1].ResultCase, $"the answer to item 1 (parent {foreign.Parent})");
        Expect.Error(answers[1].Error, "the answer to item 1", StatusCode.PermissionDenied, "FILER_MISMATCH");
        Expect.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, answers[2].ResultCase, "the answer to item 2, after the refused one");
    }

    /// <summary>Sends every item while reading the answers; the stream must end OK with one answer per item.</summary>
    private static async Task<List<BulkSubmitDeclarationsResponse>> SendAsync(CheckContext context, IReadOnlyList<BulkSubmitDeclarationsRequest> items)
    {
        using var call = context.Client.BulkSubmitDeclarations();
        var answers = new List<BulkSubmitDeclarationsResponse>();
        var reading = Task.Run(async () =>
        {
            while (await call.ResponseStream.MoveNext(context.Cancellation))
            {
                answers.Add(call.ResponseStream.Current);
            }
        });
        try
        {
            foreach (var item in items)
            {
                await call.RequestStream.WriteAsync(item, context.Cancellation);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException)
        {
            // The node ended the call early; its status is what the reader sees.
        }
        try
        {
            await reading;
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            throw Expect.Fail($"the bulk stream ended with {RpcErrorText.Describe(error)} after {answers.Count} of {items.Count} answers");
        }
        Expect.Equal(items.Count, answers.Count, $"answers on a stream of {items.Count} items");
        return answers;
    }
}
