using Exchange.Core.Enforcement;
using Exchange.Core.Events;

namespace Exchange.Server.Hosting;

/// <summary>
/// Runs the assessor for the life of the node: a batch whenever a declaration is accepted here
/// (the pulse), and at least every poll interval for work of other nodes, delayed assessments and
/// what a crash left behind. A failing batch is logged and retried; nothing is lost because the
/// store is the queue.
/// </summary>
public sealed class AssessorService(Assessor assessor, WorkPulse accepted, AssessmentOptions options, TimeProvider clock, ILogger<AssessorService> log)
    : BackgroundService
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = accepted.NextAsync();
            var due = 0;
            try
            {
                due = await assessor.AssessDueAsync(stoppingToken, (declaration, error) =>
                    log.LogError(error, "Assessing {Declaration} failed; it is held for an officer", declaration));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                log.LogError(error, "Assessing a batch failed; retrying in {PollInterval}", options.PollInterval);
                wake = Never; // wait the poll interval: do not spin on a failing store
            }
            if (due >= options.BatchSize)
            {
                continue; // more is waiting
            }
            // With a delay, what was just accepted falls due later: the poll finds it, not the pulse.
            var pulse = options.Delay == TimeSpan.Zero ? wake : Never;
            await Task.WhenAny(pulse, Task.Delay(options.PollInterval, clock, stoppingToken));
        }
    }
}
