using Microsoft.Extensions.Logging;

namespace Exchange.Redis.Tests.Support;

/// <summary>Counts warnings logged, to prove an outage is reported once rather than per call.</summary>
public sealed class CountingLoggerFactory : ILoggerFactory
{
    private int _warnings;

    public int Warnings => Volatile.Read(ref _warnings);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CountingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref owner._warnings);
            }
        }
    }
}
