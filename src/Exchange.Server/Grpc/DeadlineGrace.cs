using System.Globalization;

namespace Exchange.Server.Grpc;

/// <summary>
/// Keeps the node's deadline for a call from passing before the client's (docs/security.md,
/// Deadlines). grpc-dotnet ends a call whose grpc-timeout passed with DEADLINE_EXCEEDED trailers,
/// then resets the HTTP/2 stream with CANCEL while the client may still be sending; its timer
/// counts whole ticks of the system's coarse clock, so it can fire a few milliseconds before the
/// deadline the client computed. A reset that reaches the client before its own deadline makes
/// the client's HTTP/2 handler fail the unread response, trailers included, and Grpc.Net.Client
/// then reports CANCELLED (it turns CANCELLED into DEADLINE_EXCEEDED only once its own deadline
/// has passed). With <see cref="Grace"/> added to the timeout the node's deadline always comes
/// after the client's, so the client sees DEADLINE_EXCEEDED, as the contract says.
/// </summary>
public static class DeadlineGrace
{
    /// <summary>
    /// Longer than the coarse clock's tick the timer counts in: 1 to 4 ms on Linux, 15.6 ms at
    /// Windows' default timer resolution.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(20);

    private const string TimeoutHeader = "grpc-timeout";

    /// <summary>Adds <see cref="Grace"/> to every gRPC call's grpc-timeout before grpc-dotnet reads it.</summary>
    public static IApplicationBuilder UseExchangeDeadlineGrace(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue(TimeoutHeader, out var values) && values.Count == 1 && WithGrace(values[0]) is { } extended)
            {
                context.Request.Headers[TimeoutHeader] = extended;
            }
            return next(context);
        });

    /// <summary>
    /// The grpc-timeout value (1 to 8 digits and a unit: H, M, S, m, u, n) with <see cref="Grace"/>
    /// added, in milliseconds; null when it is not a valid timeout (grpc-dotnet ignores those) or
    /// when the sum does not fit 8 digits of milliseconds (over a day: a few milliseconds do not matter).
    /// </summary>
    public static string? WithGrace(string? value)
    {
        if (value is not { Length: >= 2 and <= 9 }
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }
        TimeSpan? timeout = value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromMicroseconds(amount),
            'n' => TimeSpan.FromTicks(amount / 100),
            _ => null,
        };
        if (timeout is not { } given)
        {
            return null;
        }
        var milliseconds = (long)Math.Ceiling((given + Grace).TotalMilliseconds);
        return milliseconds <= 99_999_999 ? milliseconds.ToString(CultureInfo.InvariantCulture) + "m" : null;
    }
}
