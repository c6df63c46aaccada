using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The stores of one opened database, one repository per aggregate, for code that opens a
/// database itself (tests, benchmarks, tools) rather than through dependency injection
/// (AddExchangeSqlite / AddExchangePostgres). Disposing it closes the database.
/// </summary>
public sealed class ExchangeStores : IAsyncDisposable
{
    private readonly StoreDatabase _database;

    public ExchangeStores(StoreDatabase database)
    {
        _database = database;
        Declarations = new DeclarationRepository(database);
        Registries = new RegistryRepository(database);
        Reports = new ReportRepository(database);
        Outbox = new OutboxRepository(database);
        Notices = new NoticeRepository(database);
        Audit = new AuditRepository(database);
        PostalArrivals = new PostalArrivalRepository(database);
    }

    public IDeclarationStore Declarations { get; }

    public IRegistryStore Registries { get; }

    public IReportStore Reports { get; }

    public IOutboxStore Outbox { get; }

    public INoticeStore Notices { get; }

    public IAuditStore Audit { get; }

    public IPostalArrivalStore PostalArrivals { get; }

    /// <summary>Opens (and migrates) <paramref name="database"/> and returns its stores; the database is disposed if opening fails.</summary>
    public static async Task<ExchangeStores> OpenAsync(StoreDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            await database.OpenAsync(cancellationToken);
            return new ExchangeStores(database);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
