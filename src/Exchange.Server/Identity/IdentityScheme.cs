namespace Exchange.Server.Identity;

/// <summary>
/// The identity scheme this node runs (Exchange:Authentication:Mode), as the start-up log and
/// refusals describe it: how a caller authenticates, and what to do when it has not.
/// </summary>
public sealed class IdentityScheme
{
    private IdentityScheme(string mode, string description)
    {
        Mode = mode;
        Description = description;
    }

    public static IdentityScheme Development { get; } = new(Hosting.AuthenticationOptions.DevelopmentMode,
        $"development headers ({DevelopmentHeaderIdentityResolver.AllHeaders}): callers are believed, loopback only");

    public static IdentityScheme Certificate { get; } = new(Hosting.AuthenticationOptions.CertificateMode,
        "client certificates (mutual TLS): callers are who their certificate says");

    /// <summary>Exchange:Authentication:Mode: Development or Certificate.</summary>
    public string Mode { get; }

    /// <summary>One line for the start-up log and banner.</summary>
    public string Description { get; }

    public bool IsDevelopment => ReferenceEquals(this, Development);

    /// <summary>What an unauthenticated caller must do to call as <paramref name="role"/> (null: the method admits no role).</summary>
    public string HowToAuthenticate(string? role) => IsDevelopment
        ? role is null
            ? $"Name the caller in one of {DevelopmentHeaderIdentityResolver.AllHeaders}."
            : $"Name the caller in the '{DevelopmentHeaderIdentityResolver.HeaderOf(role)}' header."
        : "Call over mutual TLS with a client certificate from an authority this node trusts"
            + (role is null ? "." : $" for {role}, carrying the subject alternative name URI 'exchange:{role}/{{id}}'.");
}

/// <summary>Writes the identity scheme into the start-up log, once.</summary>
internal sealed class IdentitySchemeAnnouncement(IdentityScheme scheme, ILogger<IdentitySchemeAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Caller identity: {IdentityMode}, {IdentityScheme}", scheme.Mode, scheme.Description);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
