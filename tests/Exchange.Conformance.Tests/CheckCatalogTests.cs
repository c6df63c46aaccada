using Exchange.Conformance.Checks;

namespace Exchange.Conformance.Tests;

public sealed class CheckCatalogTests
{
    /// <summary>
    /// Check ids are a public interface (reports, --only, other administrations' scripts): an id is
    /// never renamed or reused. Adding a check adds a line here; changing one breaks this test on purpose.
    /// </summary>
    private static readonly string[] StableIds =
    [
        "submit.accepts-valid", "submit.keeps-content", "submit.ignores-output-only", "submit.idempotent-retry",
        "submit.request-id-reused", "submit.validation-names-every-field", "submit.requires-request-id",
        "submit.requires-well-formed-parent", "submit.requires-declaration", "submit.other-filer-parent",
        "get.returns-submitted", "get.unknown-not-found", "get.malformed-name", "get.other-filer-denied",
        "list.pages-newest-first", "list.page-token-bound-to-filters", "list.malformed-page-token",
        "list.filter-by-reference", "list.filter-by-create-time", "list.filter-by-status", "list.invalid-page-size",
        "list.other-filer-denied", "list.only-own",
        "amend.current-etag", "amend.stale-etag", "amend.idempotent-retry", "amend.validates", "amend.other-filer-denied", "amend.after-cancel",
        "cancel.cancels", "cancel.stale-etag", "cancel.unknown-not-found", "cancel.after-cancel",
        "lifecycle.states-follow-status", "lifecycle.amend-until-arrival", "lifecycle.cancel-until-arrival", "lifecycle.arrival-recorded",
        "lifecycle.arrival-idempotent", "lifecycle.second-arrival-refused", "lifecycle.amend-after-arrival-refused",
        "lifecycle.cancel-after-arrival-refused", "lifecycle.arrival-validates", "lifecycle.arrival-of-cancelled-refused",
        "lifecycle.arrival-other-filer-denied", "lifecycle.arrival-unknown-not-found",
        "lifecycle.presentation-before-arrival-refused", "lifecycle.presentation-after-arrival", "lifecycle.presentation-other-filer-denied",
        "consignment.create-get-list", "consignment.validates", "consignment.document-taken", "consignment.other-filer-denied",
        "consignment.links-houses", "consignment.houses-without-personal-data", "consignment.arrival-reaches-houses",
        "consignment.arrival-again", "consignment.invalidate-unlinks",
        "consignment.presentation-before-arrival-refused", "consignment.presentation-names-every-wrong-reference",
        "consignment.presentation-presents-houses", "consignment.notices-amendment", "consignment.notices-other-filer-denied",
        "revenue.assessment-on-arrival", "revenue.part-payment-then-balance", "revenue.overpayment-refused", "revenue.payment-validates",
        "revenue.payer-mismatch", "revenue.other-filer-denied",
        "disposition.returns-held-goods", "disposition.requires-legal-basis", "disposition.not-held-refused", "disposition.officers-only",
        "watch.history-in-order", "watch.history-replays-log", "watch.resume-after-cursor", "watch.invalid-cursor",
        "watch.other-filer-denied",
        "bulk.answers-in-order", "bulk.idempotent-retry", "bulk.other-filer-item",
        "errors.unauthenticated", "errors.undecodable-request", "errors.oversized-request",
    ];

    [Fact]
    public void Check_ids_are_stable_unique_and_well_formed()
    {
        var ids = CheckCatalog.All.Select(c => c.Id).ToList();

        Assert.Equal(StableIds, ids);
        Assert.All(ids, id => Assert.Matches("^[a-z]+\\.[a-z0-9-]+$", id));
    }

    [Fact]
    public void Every_check_has_a_one_line_title_and_the_checks_of_an_area_are_together()
    {
        Assert.All(CheckCatalog.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Title) || c.Title.Contains('\n'), c.Id));
        var areas = CheckCatalog.All.Select(c => c.Area).ToList();
        var runs = areas.Where((area, i) => i == 0 || areas[i - 1] != area).ToList();
        Assert.Equal(runs.Distinct(), runs);
    }
}
