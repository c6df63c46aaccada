using System.Globalization;
using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Google.Type;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary><c>assessment &lt;name-or-id&gt;</c>: prints a declaration's duty assessment (RevenueService, beta).</summary>
public sealed class AssessmentCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var response = await context.Revenue.GetDutyAssessmentAsync(
            new GetDutyAssessmentRequest { Name = context.DeclarationName(arguments.Positionals[0]) + "/dutyAssessment" },
            context.CallOptions(cancellationToken));
        RevenueDisplay.Write(context.Console, response.DutyAssessment);
        return ExitCodes.Success;
    }
}

/// <summary><c>pay &lt;name-or-id&gt; --amount "EUR 18.07"</c>: records a payment against a declaration's assessment.</summary>
public sealed class PayCommand : ICommand
{
    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var amount = RevenueDisplay.ParseAmount(arguments.Value("--amount"));
        var requestId = arguments.Value("--request-id") ?? Guid.NewGuid().ToString();
        var response = await context.Revenue.RecordPaymentAsync(
            new RecordPaymentRequest
            {
                Name = context.DeclarationName(arguments.Positionals[0]) + "/dutyAssessment",
                Amount = amount,
                PaymentReference = arguments.Value("--reference") ?? "",
                RequestId = requestId,
            },
            context.CallOptions(cancellationToken));
        context.Console.MarkupLineInterpolated($"Payment recorded (request id {requestId}); the declaration is {Display.Label(response.DeclarationStatus)}.");
        RevenueDisplay.Write(context.Console, response.DutyAssessment);
        return ExitCodes.Success;
    }
}

/// <summary>How the client shows amounts and assessments: exact decimals, never through floating point.</summary>
public static class RevenueDisplay
{
    /// <summary>"EUR 18.07" as google.type.Money, exactly; a usage error for anything else.</summary>
    public static Money ParseAmount(string? text)
    {
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[0].Length != 3
            || !decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"--amount takes a currency and an amount, e.g. \"EUR 18.07\"; got \"{text}\".");
        }
        var units = decimal.Truncate(value);
        return new Money
        {
            CurrencyCode = parts[0].ToUpperInvariant(),
            Units = (long)units,
            Nanos = (int)((value - units) * 1_000_000_000m),
        };
    }

    /// <summary>An amount as its code and exact decimal, e.g. "EUR 18.07".</summary>
    public static string Amount(Money? money)
    {
        if (money is null)
        {
            return "";
        }
        var value = money.Units + money.Nanos / 1_000_000_000m;
        return $"{money.CurrencyCode} {value.ToString("0.00########", CultureInfo.InvariantCulture)}";
    }

    public static void Write(IAnsiConsole console, DutyAssessment assessment)
    {
        console.WriteLine($"{assessment.Name}: {Display.Label(assessment.State)}");
        console.WriteLine($"  Payer model: {Display.Label(assessment.PayerModel)}; payer {assessment.Payer}"
            + (assessment.ReleaseAwaitsPayment ? "; release waits for payment" : ""));
        var lines = new Table().AddColumn("Tax").AddColumn("Base").AddColumn("Rate").AddColumn("Amount").AddColumn("Legal source");
        foreach (var line in assessment.Lines)
        {
            var rate = line.RatePercent is { Value.Length: > 0 } percent ? percent.Value + "%"
                : line.Quantity > 0 ? $"{line.Quantity} x {Amount(line.UnitAmount)}"
                : "";
            lines.AddRow(Display.Cells(
                Display.Label(line.TaxType) + (line.PaidAtSale ? " (paid at sale, IOSS)" : ""),
                Amount(line.Base), rate, Amount(line.Amount), line.LegalSource));
        }
        console.Write(lines);
        console.WriteLine($"  Total {Amount(assessment.Total)}; paid at sale {Amount(assessment.PaidAtSale)}; due {Amount(assessment.AmountDue)}; "
            + $"paid {Amount(assessment.AmountPaid)}; balance {Amount(assessment.Balance)}");
        foreach (var payment in assessment.Payments)
        {
            console.WriteLine($"  Paid {Amount(payment.Amount)} by {payment.RecordedBy} at {Display.Time(payment.RecordTime)}"
                + (payment.PaymentReference.Length > 0 ? $" (ref {payment.PaymentReference})" : "") + $"; balance after {Amount(payment.BalanceAfter)}");
        }
    }
}
