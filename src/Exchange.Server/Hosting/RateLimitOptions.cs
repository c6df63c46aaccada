namespace Exchange.Server.Hosting;

/// <summary>Per-caller rate limits (Exchange:RateLimits). Placeholder: to be filled in.</summary>
public sealed class RateLimitOptions
{
}
