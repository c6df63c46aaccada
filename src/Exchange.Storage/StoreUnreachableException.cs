namespace Exchange.Storage;

/// <summary>
/// The store could not be reached when the node opened it (no database server listening there,
/// credentials or database refused): an operator's fix, in the settings or by starting the
/// database, so the node reports it in one line (what, where, how to fix) rather than a stack
/// trace. Only <see cref="StoreDatabase.OpenAsync(CancellationToken)"/> throws it; a store that
/// becomes unreachable later is UNAVAILABLE to callers instead.
/// </summary>
public sealed class StoreUnreachableException(string message, Exception innerException) : Exception(message, innerException);
