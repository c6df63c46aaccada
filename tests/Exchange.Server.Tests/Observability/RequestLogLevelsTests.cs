using Exchange.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog.Events;

namespace Exchange.Server.Tests.Observability;

/// <summary>The request log writes a call that succeeded at Debug, a refusal at Information and a failure at Error.</summary>
public sealed class RequestLogLevelsTests
{
    [Theory]
    [InlineData(200, "0", null, LogEventLevel.Debug)]           // a gRPC call that succeeded
    [InlineData(200, null, null, LogEventLevel.Debug)]          // a plain HTTP request that succeeded
    [InlineData(200, "5", null, LogEventLevel.Information)]     // NOT_FOUND, in the trailers of an HTTP 200
    [InlineData(200, null, "3", LogEventLevel.Information)]     // INVALID_ARGUMENT, trailers-only (in the headers)
    [InlineData(404, null, null, LogEventLevel.Information)]
    [InlineData(200, "13", null, LogEventLevel.Information)]    // INTERNAL is logged as a fault by ErrorInterceptor
    [InlineData(503, null, null, LogEventLevel.Error)]
    public void Level_follows_the_outcome(int httpStatus, string? trailerStatus, string? headerStatus, LogEventLevel expected)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = httpStatus;
        var trailers = new TrailersFeature();
        context.Features.Set<IHttpResponseTrailersFeature>(trailers);
        if (trailerStatus is not null)
        {
            trailers.Trailers["grpc-status"] = trailerStatus;
        }
        if (headerStatus is not null)
        {
            context.Response.Headers["grpc-status"] = headerStatus;
        }

        Assert.Equal(expected, RequestLogLevels.Of(context, 1.0, null));
    }

    [Fact]
    public void An_exception_is_an_error_whatever_the_status()
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = 200;

        Assert.Equal(LogEventLevel.Error, RequestLogLevels.Of(context, 1.0, new InvalidOperationException("broken")));
    }

    private sealed class TrailersFeature : IHttpResponseTrailersFeature
    {
        public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();
    }
}
