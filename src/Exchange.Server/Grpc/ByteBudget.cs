namespace Exchange.Server.Grpc;

/// <summary>
/// Bytes one producer may hold ahead of one consumer: <see cref="TakeAsync"/> waits until what is
/// held plus the new message fits the limit (a single message larger than the limit is still let
/// through when nothing else is held, so it cannot stall the stream), <see cref="Give"/> returns
/// bytes once the consumer is done with them.
/// </summary>
internal sealed class ByteBudget(long limit)
{
    private readonly SemaphoreSlim _freed = new(0, 1);
    private long _held;

    public long Held => Interlocked.Read(ref _held);

    public async ValueTask TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var held = Interlocked.Read(ref _held);
            if (held == 0 || held + bytes <= limit)
            {
                Interlocked.Add(ref _held, bytes);
                return;
            }
            // Give releases after lowering the count, so a wake-up never comes before the room.
            await _freed.WaitAsync(cancellationToken);
        }
    }

    public void Give(long bytes)
    {
        Interlocked.Add(ref _held, -bytes);
        if (_freed.CurrentCount == 0)
        {
            try
            {
                _freed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another Give got there first: one wake-up is enough for the one producer.
            }
        }
    }
}
