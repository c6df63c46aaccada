using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Enforcement;

public sealed class ReferralAnswersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static List<string> Problems(ReferralResponse? response)
    {
        var violations = new List<FieldViolation>();
        ReferralAnswers.Check(response, Now, violations);
        return violations.Select(v => v.Field).ToList();
    }

    [Fact]
    public void A_complete_information_answer_passes()
    {
        var answer = new ReferralResponse
        {
            AdditionalInformation = new AdditionalInformation
            {
                Text = "Invoice attached; the earbuds are Bluetooth 5.3, model X1.",
                Documents = { new DocumentReference { TypeCode = "N935", Identifier = "INV-2026-0042", Uri = "https://docs.example/inv42.pdf" } },
            },
        };

        Assert.Empty(Problems(answer));
    }

    [Fact]
    public void Every_problem_of_an_information_answer_is_named()
    {
        var answer = new ReferralResponse
        {
            AdditionalInformation = new AdditionalInformation
            {
                Text = " ",
                Documents = { new DocumentReference { TypeCode = "N9355", Identifier = "", Uri = "http://plain.example/x" } },
            },
        };

        Assert.Equal(
        [
            "response.additional_information.text",
            "response.additional_information.documents[0].type_code",
            "response.additional_information.documents[0].identifier",
            "response.additional_information.documents[0].uri",
        ], Problems(answer));
    }

    [Fact]
    public void A_screening_result_needs_a_method_and_a_time_not_in_the_future()
    {
        Assert.Equal(["response.screening_result.method", "response.screening_result.screen_time"],
            Problems(new ReferralResponse { ScreeningResult = new ScreeningResult { Method = "xray", Cleared = true } }));
        Assert.Equal(["response.screening_result.screen_time"], Problems(new ReferralResponse
        {
            ScreeningResult = new ScreeningResult { Method = "XRY", Cleared = true, ScreenTime = Timestamp.FromDateTimeOffset(Now.AddHours(1)) },
        }));
        Assert.Empty(Problems(new ReferralResponse
        {
            ScreeningResult = new ScreeningResult { Method = "XRY", Cleared = true, ScreenTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(-30)) },
        }));
        // A screening that did not clear the consignment must say what it found.
        Assert.Equal(["response.screening_result.remarks"], Problems(new ReferralResponse
        {
            ScreeningResult = new ScreeningResult { Method = "EDD", ScreenTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(-30)) },
        }));
        Assert.Empty(Problems(new ReferralResponse
        {
            ScreeningResult = new ScreeningResult
            {
                Method = "EDD", ScreenTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(-30)), Remarks = "Dog alerted on parcel 2.",
            },
        }));
        Assert.Equal(["response"], Problems(new ReferralResponse()));
        Assert.Equal(["response"], Problems(null));
    }

    [Theory]
    [InlineData(ReferralType.RequestForInformation, true, null, null)]
    [InlineData(ReferralType.RequestForInformation, false, "response.screening_result", "IE3R02")]
    [InlineData(ReferralType.HrcmScreening, false, null, null)]
    [InlineData(ReferralType.HrcmScreening, true, "response.additional_information", "IE3R03")]
    [InlineData(ReferralType.DoNotLoad, true, "response.additional_information", "DO_NOT_LOAD")]
    [InlineData(ReferralType.DoNotLoad, false, "response.screening_result", "DO_NOT_LOAD")]
    public void Each_referral_type_takes_only_its_kind_of_answer_named_by_the_answer_given(
        ReferralType type, bool information, string? path, string? complaint)
    {
        var answer = information
            ? new ReferralResponse { AdditionalInformation = new AdditionalInformation { Text = "x" } }
            : new ReferralResponse { ScreeningResult = new ScreeningResult { Method = "XRY" } };

        var mismatch = ReferralAnswers.KindMismatch(type, answer);

        Assert.Equal(path, mismatch?.Field);
        if (complaint is not null)
        {
            Assert.Contains(complaint, mismatch!.Description, StringComparison.Ordinal);
        }
        Assert.Null(ReferralAnswers.KindMismatch(type, new ReferralResponse())); // no answer at all: Check names it
    }

    [Theory]
    [InlineData(ReferralState.Open, null)]
    [InlineData(ReferralState.Answered, "ANSWERED")]
    [InlineData(ReferralState.Closed, "CLOSED")]
    public void Only_an_open_referral_takes_an_answer(ReferralState state, string? complaint)
    {
        var why = ReferralAnswers.NotOpen(new Referral { Type = ReferralType.RequestForInformation, State = state });

        if (complaint is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(complaint, why, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_referral_reference_has_the_ics2_length_and_differs_per_referral()
    {
        var key = new DeclarationKey("post-nl", "0193a1b2c3d47e5f8a9b0c1d2e3f4a5b");

        var first = ReferralAnswers.Reference(key, 1);

        Assert.Equal("9B0C1D2E3F4A5B001", first); // the id's last 14 characters, then the number
        Assert.Equal(17, first.Length); // IE3Q03 ReferralRequest reference, an..17
        Assert.NotEqual(first, ReferralAnswers.Reference(key, 2));
    }

    [Fact]
    public void A_referral_name_must_be_the_callers()
    {
        var violations = new List<FieldViolation>();
        var caller = new CallerIdentity("post-nl");

        Assert.Equal(new DeclarationKey("post-nl", "d1"), ReferralAnswers.ReadName(caller, "filers/post-nl/declarations/d1/referrals/1", violations));
        Assert.Null(ReferralAnswers.ReadName(caller, "filers/post-nl/declarations/d1/refs/1", violations));
        Assert.Single(violations);
        Assert.Throws<FilerMismatchException>(() => ReferralAnswers.ReadName(caller, "filers/other/declarations/d1/referrals/1", violations));
    }
}
