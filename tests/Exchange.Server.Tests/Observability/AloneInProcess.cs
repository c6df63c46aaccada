namespace Exchange.Server.Tests.Observability;

/// <summary>
/// Tests that need the test process to themselves: the OpenTelemetry SDK collects every meter
/// named "Exchange" (and ASP.NET Core's meters) of the process, whichever node created it, and
/// every in-memory node writes its logs through Serilog's static logger, the last node's. Run
/// alone, after the parallel tests, the counts and log events they see are their node's own.
/// (A node in production has its process to itself.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneInProcess
{
    public const string Name = "Observability: alone in the process";
}
