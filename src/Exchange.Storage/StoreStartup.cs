using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Exchange.Storage;

/// <summary>
/// The node's start-up step that opens the database and brings its schema up to date, before any
/// other hosted service starts (it is registered first) and before the node serves a call. A
/// store that cannot open stops the node at start-up, with the reason in the log.
/// </summary>
public sealed class StoreStartup(StoreDatabase database, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.OpenAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogCritical(error, "The store could not be opened: {Reason}", error.Message);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
