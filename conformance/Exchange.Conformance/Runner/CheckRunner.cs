using Exchange.Conformance.Assertions;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Conformance.Runner;

/// <summary>
/// Runs checks one after the other (so the events one check causes never land in another's
/// watch), each within <see cref="KitOptions.CheckTimeout"/>, and writes one report line per
/// check as it finishes, grouped by area, then the summary line.
/// </summary>
internal sealed class CheckRunner(KitOptions options, GrpcChannel channel, TextWriter output)
{
    private readonly KitRun _run = new();

    public string RunId => _run.Id;

    public async Task<IReadOnlyList<CheckOutcome>> RunAsync(IReadOnlyList<Check> checks, CancellationToken cancellation)
    {
        var idWidth = checks.Max(c => c.Id.Length) + 2;
        var outcomes = new List<CheckOutcome>();
        string? area = null;
        foreach (var check in checks)
        {
            cancellation.ThrowIfCancellationRequested();
            if (check.Area != area)
            {
                await output.WriteLineAsync($"{(area is null ? "" : Environment.NewLine)}{check.Area}");
                area = check.Area;
            }
            var outcome = await RunOneAsync(check, cancellation);
            outcomes.Add(outcome);
            await output.WriteLineAsync(Line(outcome, idWidth));
        }
        var failed = outcomes.Count(o => o.Verdict != Verdict.Pass);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"{outcomes.Count - failed} passed, {failed} failed");
        return outcomes;
    }

    private async Task<CheckOutcome> RunOneAsync(Check check, CancellationToken cancellation)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bound.CancelAfter(options.CheckTimeout);
        var context = new CheckContext(options, channel, _run, bound.Token);
        bool OutOfTime() => bound.IsCancellationRequested && !cancellation.IsCancellationRequested;
        try
        {
            await check.RunAsync(context).WaitAsync(bound.Token);
            return new CheckOutcome(check, Verdict.Pass, context.Note);
        }
        catch (Exception) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException("The run was interrupted.", cancellation);
        }
        catch (CheckFailedException failure)
        {
            return new CheckOutcome(check, Verdict.Fail, failure.Message);
        }
        catch (CheckSetupException setup)
        {
            return new CheckOutcome(check, Verdict.Error, setup.Message);
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && OutOfTime())
        {
            return new CheckOutcome(check, Verdict.Error, $"did not finish within {options.CheckTimeout.TotalSeconds:0} s");
        }
        catch (RpcException error)
        {
            return new CheckOutcome(check, Verdict.Error, $"unexpected RPC error: {RpcErrorText.Describe(error)}");
        }
        catch (Exception error)
        {
            return new CheckOutcome(check, Verdict.Error, $"{error.GetType().Name}: {error.Message}");
        }
    }

    private static string Line(CheckOutcome outcome, int idWidth)
    {
        var verdict = outcome.Verdict.ToString().ToUpperInvariant().PadRight(6);
        var line = $"{verdict}{outcome.Check.Id.PadRight(idWidth)}{outcome.Check.Title}";
        return outcome.Reason is null ? line
            : outcome.Verdict == Verdict.Pass ? $"{line} ({outcome.Reason})"
            : $"{line}: {outcome.Reason}";
    }
}
