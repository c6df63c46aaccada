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
            ScreeningResult = new ScreeningResult { Method = "XRY", ScreenTime = Timestamp.FromDateTimeOffset(Now.AddHours(1)) },
        }));
        Assert.Empty(Problems(new ReferralResponse
        {
            ScreeningResult = new ScreeningResult { Method = "XRY", ScreenTime = Timestamp.FromDateTimeOffset(Now.AddMinutes(-30)) },
        }));
        Assert.Equal(["response"], Problems(new ReferralResponse()));
        Assert.Equal(["response"], Problems(null));
    }

    [Theory]
    [InlineData(ReferralType.RequestForInformation, ReferralState.Open, true, null)]
    [InlineData(ReferralType.RequestForInformation, ReferralState.Open, false, "additional_information")]
    [InlineData(ReferralType.HrcmScreening, ReferralState.Open, false, null)]
    [InlineData(ReferralType.HrcmScreening, ReferralState.Open, true, "screening_result")]
    [InlineData(ReferralType.DoNotLoad, ReferralState.Open, true, "DO_NOT_LOAD")]
    [InlineData(ReferralType.RequestForInformation, ReferralState.Answered, true, "ANSWERED")]
    public void Only_an_open_referral_takes_the_answer_of_its_type(ReferralType type, ReferralState state, bool information, string? complaint)
    {
        var referral = new Referral { Type = type, State = state };
        var answer = information
            ? new ReferralResponse { AdditionalInformation = new AdditionalInformation { Text = "x" } }
            : new ReferralResponse { ScreeningResult = new ScreeningResult { Method = "XRY" } };

        var why = ReferralAnswers.Mismatch(referral, answer);

        if (complaint is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(complaint, why);
        }
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
