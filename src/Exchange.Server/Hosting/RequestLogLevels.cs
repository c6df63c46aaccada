using Serilog.Events;

namespace Exchange.Server.Hosting;

/// <summary>
/// The level of the request log's one line per request (Serilog.AspNetCore's request logging).
/// A call that succeeded is written at Debug: at thousands of calls a second, formatting and
/// writing a console line per call (under the console's lock) cost the node about 6 % of its CPU
/// under unary load (docs/benchmarks.md), and every call is in the audit trail and the request
/// metrics already. What needs a look stays visible: a refusal (an HTTP 4xx, or a gRPC status other
/// than OK, which travels in an HTTP 200) at Information, a failure (an exception, an HTTP 5xx) at
/// Error, as Serilog's default does. Set Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware
/// to Debug to see every request again.
/// </summary>
public static class RequestLogLevels
{
    public static LogEventLevel Of(HttpContext context, double elapsedMilliseconds, Exception? error) =>
        error is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
        : context.Response.StatusCode >= StatusCodes.Status400BadRequest || ObservabilityRegistration.GrpcStatusOf(context) is not (null or 0) ? LogEventLevel.Information
        : LogEventLevel.Debug;
}
