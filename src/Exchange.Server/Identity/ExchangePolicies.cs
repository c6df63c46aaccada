using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Exchange.Server.Identity;

/// <summary>
/// The authorization policies: one per role, each admitting authenticated callers in that role
/// only, applied to every gRPC service with <c>[Authorize(Policy = ...)]</c>. The fallback policy
/// admits nobody: an endpoint or RPC with neither a policy nor an explicit AllowAnonymous (health,
/// reflection, dashboard, metrics) is refused, so a new RPC stays closed until it is given one.
/// Which declarations, consignments or subscriptions a caller may touch is not decided here but
/// in the core, from the identity these policies admitted.
/// </summary>
public static class ExchangePolicies
{
    public const string Filer = "Filer";
    public const string Officer = "Officer";
    public const string Agency = "Agency";
    public const string Partner = "Partner";

    private static readonly (string Policy, string Role)[] Policies =
        [(Filer, ExchangeRoles.Filers), (Officer, ExchangeRoles.Officers), (Agency, ExchangeRoles.Agencies), (Partner, ExchangeRoles.Partners)];

    public static IServiceCollection AddExchangePolicies(this IServiceCollection services) => services.AddAuthorization(authorization =>
    {
        foreach (var (policy, role) in Policies)
        {
            authorization.AddPolicy(policy, builder => builder.RequireAuthenticatedUser().RequireRole(role));
        }
        authorization.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
            .AddRequirements(new NoPolicyRequirement()).Build();
    });

    /// <summary>The role <paramref name="policy"/> admits; null for the fallback, which admits none.</summary>
    public static string? RoleOf(AuthorizationPolicy policy) =>
        policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).FirstOrDefault();
}

/// <summary>
/// The fallback policy's requirement: met by no caller (no handler exists for it), because the
/// endpoint it guards was given no policy of its own.
/// </summary>
public sealed class NoPolicyRequirement : IAuthorizationRequirement
{
    public override string ToString() => "The endpoint has no authorization policy: it admits no caller.";
}
