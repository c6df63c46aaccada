using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Core.Tests.Declarations;

public sealed class MovementReferenceNumberTests
{
    [Theory]
    // ISO 6346 worked example: container CSQU305438 has check digit 3 (CSQU3054383).
    [InlineData("CSQU305438", 3)]
    [InlineData("0000000000", 0)]
    public void The_check_digit_follows_ISO_6346(string text, int expected) =>
        Assert.Equal(expected, MovementReferenceNumber.CheckDigit(text));

    [Fact]
    public void An_issued_MRN_has_the_EU_layout_and_a_valid_check_digit()
    {
        var now = new DateTimeOffset(2026, 11, 27, 21, 0, 0, TimeSpan.Zero);

        var mrn = MovementReferenceNumber.Issue("NL", now);

        Assert.Matches(new Regex("^26NL[A-Z0-9]{13}[0-9]$"), mrn);
        Assert.Equal(MovementReferenceNumber.CheckDigit(mrn.AsSpan(0, 17)), mrn[17] - '0');
    }

    [Fact]
    public void MRNs_issued_in_the_same_millisecond_differ_and_later_ones_sort_after()
    {
        var now = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        var same = Enumerable.Range(0, 1000).Select(_ => MovementReferenceNumber.Issue("DE", now)).ToHashSet();
        var later = MovementReferenceNumber.Issue("DE", now.AddSeconds(1));

        Assert.Equal(1000, same.Count);
        Assert.All(same, mrn => Assert.True(string.CompareOrdinal(mrn[..11], later[..11]) < 0));
    }

    [Fact]
    public void The_random_part_of_MRNs_uses_every_base36_character_about_equally()
    {
        var now = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        var counts = Enumerable.Range(0, 60_000).SelectMany(_ => MovementReferenceNumber.Issue("DE", now)[11..17])
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());

        // 360,000 characters: 10,000 expected each, a standard deviation of about 98, so a fair
        // draw stays within 9,500-10,500 (5 deviations). Taking every byte modulo 36 would give
        // the first four characters 8/256 and the rest 7/256: about 11,250 and 9,840.
        Assert.Equal("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", string.Concat(counts.Keys.Order()));
        Assert.All(counts.Values, count => Assert.InRange(count, 9_500, 10_500));
    }
}

public sealed class RequestHashTests
{
    [Fact]
    public void The_request_hash_is_SHA256_of_the_header_line_and_the_parts_bytes_so_stored_hashes_still_match()
    {
        var declaration = Exchange.Testing.SampleDeclarations.PostalGift("LRN-HASH");
        var other = Exchange.Testing.SampleDeclarations.PostalGift("LRN-OTHER");

        var expected = System.Security.Cryptography.SHA256.HashData(
            [.. System.Text.Encoding.UTF8.GetBytes("amend\nfilers/f/declarations/d\n"), .. Google.Protobuf.MessageExtensions.ToByteArray(declaration),
             .. Google.Protobuf.MessageExtensions.ToByteArray(other)]);

        Assert.Equal(expected, DeclarationContent.RequestHash("amend", "filers/f/declarations/d", declaration, null, other));
        Assert.NotEqual(expected, DeclarationContent.RequestHash("amend", "filers/f/declarations/d", other, declaration));
    }
}

public sealed class EtagTests
{
    [Theory]
    [InlineData("filers/f/declarations/d", 1)]
    [InlineData("filers/post-nl/declarations/0196f3a2c4d57e8a9b0c1d2e3f405162", long.MaxValue)]
    [InlineData("filers/ü/declarations/é", 12)]
    [InlineData(null, 7)] // a name longer than the stack buffer
    public void An_etag_is_the_first_8_bytes_of_SHA256_of_name_and_revision_so_stored_etags_still_match(string? name, long revision)
    {
        name ??= new string('x', 2000);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            name + "#" + revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(Convert.ToHexStringLower(digest, 0, 8), DeclarationContent.Etag(name, revision));
    }
}

public sealed class DeclarationStatusesTests
{
    [Theory]
    [InlineData(DeclarationStatus.Released)]
    [InlineData(DeclarationStatus.Rejected)]
    [InlineData(DeclarationStatus.Cancelled)]
    public void Final_statuses_allow_nothing(DeclarationStatus status)
    {
        Assert.True(DeclarationStatuses.IsFinal(status));
        Assert.False(DeclarationStatuses.CanAmend(status));
        Assert.All(Enum.GetValues<DeclarationStatus>(), to => Assert.False(DeclarationStatuses.CanMove(status, to)));
    }

    [Theory]
    [InlineData(DeclarationStatus.Accepted, DeclarationStatus.Cancelled, true)]
    [InlineData(DeclarationStatus.Accepted, DeclarationStatus.Held, true)]
    [InlineData(DeclarationStatus.Held, DeclarationStatus.Released, true)]
    [InlineData(DeclarationStatus.Held, DeclarationStatus.Cancelled, false)] // but under a Do Not Load: Lifecycles.CanInvalidate
    [InlineData(DeclarationStatus.Held, DeclarationStatus.Assessed, true)]
    [InlineData(DeclarationStatus.Assessed, DeclarationStatus.Accepted, true)]
    [InlineData(DeclarationStatus.Assessed, DeclarationStatus.Released, true)]
    [InlineData(DeclarationStatus.Assessed, DeclarationStatus.Cancelled, true)]
    [InlineData(DeclarationStatus.Assessed, DeclarationStatus.Held, true)] // an agency holds it
    [InlineData(DeclarationStatus.Held, DeclarationStatus.Accepted, false)]
    [InlineData(DeclarationStatus.Accepted, DeclarationStatus.Accepted, false)]
    public void Transitions_follow_the_table(DeclarationStatus from, DeclarationStatus to, bool allowed) =>
        Assert.Equal(allowed, DeclarationStatuses.CanMove(from, to));

    [Fact]
    public void Declarations_can_be_amended_until_a_final_status()
    {
        Assert.True(DeclarationStatuses.CanAmend(DeclarationStatus.Accepted));
        Assert.True(DeclarationStatuses.CanAmend(DeclarationStatus.UnderReview));
        Assert.True(DeclarationStatuses.CanAmend(DeclarationStatus.Held));
        Assert.True(DeclarationStatuses.CanAmend(DeclarationStatus.Assessed));
        Assert.False(DeclarationStatuses.CanAmend(DeclarationStatus.Unspecified));
    }
}

public sealed class PageTokensTests
{
    private static readonly DeclarationQuery Query = new("filer-a", 51, DeclarationStatus.Accepted, Reference: "LRN-1");

    [Fact]
    public void A_token_round_trips_its_position()
    {
        var position = new ListPosition(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(1230), "0199abc");
        var fingerprint = PageTokens.Fingerprint(Query);

        Assert.Equal(position, PageTokens.Read(PageTokens.Issue(position, fingerprint), fingerprint));
    }

    [Fact]
    public void A_token_is_refused_for_other_filters_or_when_tampered_with()
    {
        var token = PageTokens.Issue(new ListPosition(DateTimeOffset.UnixEpoch, "abc"), PageTokens.Fingerprint(Query));
        var otherFilters = PageTokens.Fingerprint(Query with { Reference = "LRN-2" });

        Assert.Throws<InvalidPageTokenException>(() => PageTokens.Read(token, otherFilters));
        Assert.Throws<InvalidPageTokenException>(() => PageTokens.Read(token[..^2], PageTokens.Fingerprint(Query)));
        Assert.Throws<InvalidPageTokenException>(() => PageTokens.Read("%%%", PageTokens.Fingerprint(Query)));
        Assert.Throws<InvalidPageTokenException>(() => PageTokens.Read("", PageTokens.Fingerprint(Query)));
    }

    [Fact]
    public void The_page_size_is_not_part_of_the_fingerprint() =>
        Assert.Equal(PageTokens.Fingerprint(Query), PageTokens.Fingerprint(Query with { Limit = 7 }));
}

public sealed class InProcessEventSignalTests
{
    [Fact]
    public async Task A_notification_wakes_the_waiters_of_that_filer_only()
    {
        var signal = new InProcessEventSignal();
        var mine = signal.NextAsync("filer-a", CancellationToken.None);
        var theirs = signal.NextAsync("filer-b", CancellationToken.None);

        signal.Notify("filer-a");
        await mine;

        Assert.True(mine.IsCompletedSuccessfully);
        Assert.False(theirs.IsCompleted);
    }

    [Fact]
    public void A_wait_taken_after_a_notification_waits_for_the_next_one()
    {
        var signal = new InProcessEventSignal();
        signal.Notify("filer-a");

        Assert.False(signal.NextAsync("filer-a", CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_cancellation()
    {
        var signal = new InProcessEventSignal();
        using var cancel = new CancellationTokenSource();
        var wait = signal.NextAsync("filer-a", cancel.Token);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}

public sealed class ResourceNamesTests
{
    [Theory]
    [InlineData("filers/post-cn/declarations/0199abc", true)]
    [InlineData("filers/Post/declarations/x", false)]
    [InlineData("filers/post-cn/declarations/", false)]
    [InlineData("filers/post-cn/declarations/a/b", false)]
    [InlineData("declarations/x", false)]
    [InlineData("", false)]
    public void Declaration_names_are_read_strictly(string name, bool valid) =>
        Assert.Equal(valid, ResourceNames.TryParseDeclaration(name, out _));

    [Fact]
    public void Ids_follow_AIP_122()
    {
        Assert.True(ResourceNames.IsValidId("express-nl-01"));
        Assert.False(ResourceNames.IsValidId("-leading-hyphen"));
        Assert.False(ResourceNames.IsValidId(new string('a', 64)));
    }
}
