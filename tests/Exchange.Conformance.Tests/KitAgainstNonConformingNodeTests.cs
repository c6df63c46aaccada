using Exchange.Conformance.Runner;
using Exchange.Conformance.Tests.Support;

namespace Exchange.Conformance.Tests;

/// <summary>The kit's checks do fail, with reasons a vendor can act on, against a node that gets the contract wrong.</summary>
public sealed class KitAgainstNonConformingNodeTests : IAsyncLifetime
{
    private NonConformingNode _node = null!;

    public async Task InitializeAsync() => _node = await NonConformingNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Wrong_answers_are_reported_as_failures_with_their_reason()
    {
        var run = await _node.RunKitAsync("--only", "submit.accepts-valid,get.unknown-not-found,list.filter-by-reference,amend.current-etag");

        Assert.True(run.ExitCode == ExitCodes.SomeFailed, run.Describe());
        Assert.Contains("0 passed, 4 failed", run.Lines);
        run.AssertLine("submit.accepts-valid", "FAIL", "name \"declarations/1\" does not match");
        run.AssertLine("get.unknown-not-found", "FAIL", "NOT_FOUND carries no google.rpc.Status");
        run.AssertLine("list.filter-by-reference", "FAIL", "declarations listed with reference");
        run.AssertLine("amend.current-etag", "FAIL", "AmendDeclaration with the current etag failed: UNIMPLEMENTED");
    }

    [Fact]
    public async Task A_failed_setup_step_is_an_error_not_a_failure()
    {
        var run = await _node.RunKitAsync("--only", "cancel.after-cancel");

        Assert.True(run.ExitCode == ExitCodes.SomeFailed, run.Describe());
        run.AssertLine("cancel.after-cancel", "ERROR", "setup step CancelDeclaration with the current etag failed: UNIMPLEMENTED");
        Assert.Contains("0 passed, 1 failed", run.Lines);
    }

    [Fact]
    public async Task A_node_that_never_answers_fails_at_the_deadline_instead_of_hanging_the_kit()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = await _node.RunKitAsync("--only", "watch.invalid-cursor,bulk.answers-in-order", "--timeout-seconds", "1");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.True(run.ExitCode == ExitCodes.SomeFailed, run.Describe());
        // At the deadline the client gives up (DEADLINE_EXCEEDED) or the server resets the stream first: either way a FAIL, not a hang.
        run.AssertLine("watch.invalid-cursor", "FAIL", "expected INVALID_ARGUMENT INVALID_CURSOR, got ");
        run.AssertLine("bulk.answers-in-order", "FAIL", "the bulk stream ended with UNIMPLEMENTED");
    }

    [Fact]
    public async Task A_watch_that_resumes_at_the_cursor_instead_of_after_it_fails()
    {
        await using var node = await NonConformingNode.StartWithInclusiveCursorsAsync();

        var run = await node.RunKitAsync("--only", "watch.resume-after-cursor", "--timeout-seconds", "5");

        Assert.True(run.ExitCode == ExitCodes.SomeFailed, run.Describe());
        run.AssertLine("watch.resume-after-cursor", "FAIL", "delivered more than once (same cursor)");
    }
}
