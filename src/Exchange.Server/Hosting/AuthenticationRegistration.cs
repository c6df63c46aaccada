using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Exchange.Server.Hosting;

/// <summary>
/// How callers are authenticated and authorized: ASP.NET Core authentication with the scheme
/// named by Exchange:Authentication:Mode, and one authorization policy per role
/// (<see cref="ExchangePolicies"/>) with a fallback that refuses whatever has no policy.
/// "Certificate" (the default; appsettings.json): every Kestrel endpoint must be https; each
/// requires a client certificate, accepted at the TLS handshake only when it chains to a
/// configured authority and is within its validity; the certificate authentication handler then
/// reads the caller's identity from it and checks the authority vouches for that role.
/// "Development" (appsettings.Development.json, so only in the Development hosting environment
/// unless configured explicitly): the development headers (DevelopmentHeaderAuthenticationHandler,
/// kept on loopback by DevelopmentModeGuard). See docs/security.md.
/// </summary>
public static class AuthenticationRegistration
{
    public static WebApplicationBuilder AddExchangeAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExchangeOptions>()
            .Validate(o => o.Authentication.Mode is AuthenticationOptions.DevelopmentMode or AuthenticationOptions.CertificateMode,
                "Exchange:Authentication:Mode must be 'Development' or 'Certificate'.");
        var authentication = builder.Configuration.GetSection(ExchangeOptions.Section).Get<ExchangeOptions>()?.Authentication
            ?? new AuthenticationOptions();
        builder.Services.AddExchangePolicies();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        builder.Services.AddSingleton<ICallerIdentityResolver, ClaimsCallerIdentityResolver>();
        builder.Services.AddHostedService<IdentitySchemeAnnouncement>();
        if (authentication.Mode == AuthenticationOptions.DevelopmentMode)
        {
            builder.Services.AddSingleton(IdentityScheme.Development);
            builder.Services.AddAuthentication(DevelopmentHeaderAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, DevelopmentHeaderAuthenticationHandler>(DevelopmentHeaderAuthenticationHandler.SchemeName, null);
            return builder;
        }
        if (authentication.Mode != AuthenticationOptions.CertificateMode)
        {
            return builder; // refused by the options validation above, with the values it takes
        }

        RequireCertificateSettings(authentication.Certificate, builder.Environment);
        RequireHttpsEndpoints(builder.Configuration);
        var serverCertificate = LoadServerCertificate(authentication.Certificate);
        var roles = RoleTrust.Load(authentication.Certificate);
        var trust = roles.Handshake;
        builder.Services.AddSingleton(roles);
        builder.Services.AddSingleton(IdentityScheme.Certificate);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            // Only the configured authorities (of any role: the role is checked once the identity is
            // read), whatever the system store trusts; the platform's own verdict (sslPolicyErrors,
            // built against the system store) is deliberately not used.
            https.ClientCertificateValidation = (certificate, _, _) => trust.IsTrusted(certificate);
            https.CheckCertificateRevocation = false;
        }));
        builder.Services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme).AddCertificate(certificate =>
        {
            // The same trust as the handshake's: the configured authorities only, no revocation
            // (development PKI without CRL or OCSP), client-authentication use, within validity.
            certificate.AllowedCertificateTypes = CertificateTypes.All;
            certificate.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
            certificate.CustomTrustStore = trust.Authorities;
            certificate.RevocationMode = X509RevocationMode.NoCheck;
            certificate.ValidateCertificateUse = true;
            certificate.ValidateValidityPeriod = true;
            certificate.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = context =>
                {
                    CertificateCallers.Authenticate(context, roles);
                    return Task.CompletedTask;
                },
            };
        });
        return builder;
    }

    /// <summary>
    /// Outside development a node must know its callers by certificate: without the settings that
    /// needs it refuses to start, saying what to configure (one line, no stack trace).
    /// </summary>
    private static void RequireCertificateSettings(CertificateAuthenticationOptions certificate, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(certificate.ServerCertificatePath) && string.IsNullOrWhiteSpace(certificate.TrustedAuthorityPath)
            && certificate.RoleAuthorityPaths.Count == 0)
        {
            throw new NodeConfigurationException(
                $"No caller identity is configured ({environment.EnvironmentName} environment, Exchange:Authentication:Mode=Certificate): "
                + "set Exchange:Authentication:Certificate:ServerCertificatePath and Exchange:Authentication:Certificate:TrustedAuthorityPath "
                + "and make every Kestrel endpoint https:// (mutual TLS, docs/security.md), or, on a developer's machine only, "
                + "set Exchange:Authentication:Mode=Development (or ASPNETCORE_ENVIRONMENT=Development) to trust the x-exchange-* headers on loopback.");
        }
    }

    /// <summary>In Certificate mode a plain-http endpoint would be one without authentication: refuse to start.</summary>
    private static void RequireHttpsEndpoints(IConfiguration configuration)
    {
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var url = endpoint["Url"];
            if (url is not null && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Kestrel endpoint '{endpoint.Key}' listens on {url}, but Exchange:Authentication:Mode is 'Certificate', " +
                    "which needs mutual TLS on every endpoint: use an https:// URL.");
            }
        }
    }

    internal static X509Certificate2 LoadServerCertificate(CertificateAuthenticationOptions options)
    {
        var path = options.ServerCertificatePath;
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Exchange:Authentication:Certificate:ServerCertificatePath must name the node's certificate (PFX, or PEM with ServerKeyPath); '{path}' does not exist.");
        }
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            return extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password: null)
                : X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(options.ServerKeyPath) ? null : options.ServerKeyPath);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException($"Could not load the server certificate '{path}': {error.Message}", error);
        }
    }
}

/// <summary>
/// Which authorities may vouch for which role: <see cref="Handshake"/> admits a certificate from
/// any configured authority; <see cref="For"/> is the trust a certificate must pass to act in a
/// role (its own authorities when configured, else the general TrustedAuthorityPath).
/// </summary>
public sealed class RoleTrust(ClientCertificateTrust handshake, ClientCertificateTrust general, IReadOnlyDictionary<string, ClientCertificateTrust> byRole)
{
    public static readonly string[] Roles =
        [CertificateIdentity.Filers, CertificateIdentity.Officers, CertificateIdentity.Agencies, CertificateIdentity.Partners];

    public ClientCertificateTrust Handshake { get; } = handshake;

    public ClientCertificateTrust For(string collection) => byRole.GetValueOrDefault(collection) ?? general;

    public static RoleTrust Load(CertificateAuthenticationOptions options)
    {
        var unknown = options.RoleAuthorityPaths.Keys.Where(role => !Roles.Contains(role)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Exchange:Authentication:Certificate:RoleAuthorityPaths: {string.Join(", ", unknown)} is not a role; use {string.Join(", ", Roles)}.");
        }
        var general = ClientCertificateTrust.Load(options.TrustedAuthorityPath);
        var byRole = options.RoleAuthorityPaths.ToDictionary(r => r.Key, r => ClientCertificateTrust.Load(r.Value));
        var all = new X509Certificate2Collection(general.Authorities);
        foreach (var role in byRole.Values)
        {
            all.AddRange(role.Authorities);
        }
        return new RoleTrust(new ClientCertificateTrust(all), general, byRole);
    }
}

/// <summary>
/// Decides whether a client certificate is acceptable: it chains to one of the configured root
/// authorities (a custom root trust: the system store is not consulted), is valid now, and allows
/// TLS client authentication. Revocation is not checked (development PKI without CRL or OCSP).
/// </summary>
public sealed class ClientCertificateTrust
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private readonly X509Certificate2Collection _authorities;
    private readonly TimeProvider _time;

    public ClientCertificateTrust(X509Certificate2Collection authorities, TimeProvider? time = null)
    {
        _authorities = authorities;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The root authorities trusted.</summary>
    public X509Certificate2Collection Authorities => _authorities;

    public static ClientCertificateTrust Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Exchange:Authentication:Certificate:TrustedAuthorityPath must name a PEM file of the authorities trusted for client certificates; '{path}' does not exist.");
        }
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"'{path}' holds no PEM certificate.");
        }
        return new ClientCertificateTrust(authorities);
    }

    public bool IsTrusted(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ClientAuthentication));
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }
}

/// <summary>
/// A setting that makes the node unable to start safely. Program logs its message alone, on one
/// line: it already says what to configure, and a stack trace would only bury it.
/// </summary>
public sealed class NodeConfigurationException(string message) : InvalidOperationException(message);
