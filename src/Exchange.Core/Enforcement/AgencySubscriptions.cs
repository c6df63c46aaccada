using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Validation;

namespace Exchange.Core.Enforcement;

/// <summary>
/// Partner government agencies' subscriptions by HS code, and the matching of a declaration
/// against them. Matching runs from an in-memory snapshot (<see cref="ReferenceSnapshot{T}"/>),
/// loaded again after a change here or one another node announces on the event signal,
/// and at least every snapshot lifetime (default <see cref="ReferenceData.DefaultLifetime"/>).
/// </summary>
public sealed class AgencySubscriptions
{
    private const int MaxPrefixes = 100;
    private readonly ProtoRegistry<Subscription> _subscriptions;
    private readonly ReferenceSnapshot<Snapshot> _snapshot;

    public AgencySubscriptions(IRegistryStore store, TimeProvider clock, IEventSignal? signal = null, TimeSpan? snapshotLifetime = null)
    {
        _subscriptions = new(store, "subscription", Subscription.Parser);
        _snapshot = new("reference-data:agency-subscriptions", snapshotLifetime ?? ReferenceData.DefaultLifetime, clock, signal, LoadAsync);
    }

    public async Task<Subscription> CreateAsync(AgencyIdentity agency, CreateSubscriptionRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        CheckParent(agency, request.Parent, violations);
        RequestChecks.CheckId(request.SubscriptionId, "subscription_id", violations);
        if (request.Subscription is not { } subscription)
        {
            violations.Add(new FieldViolation("subscription", "Required."));
        }
        else
        {
            if (subscription.HsPrefixes.Count is 0 or > MaxPrefixes)
            {
                violations.Add(new FieldViolation("subscription.hs_prefixes", $"Required: 1 to {MaxPrefixes} HS chapters, headings or subheadings."));
            }
            for (var i = 0; i < subscription.HsPrefixes.Count; i++)
            {
                if (subscription.HsPrefixes[i] is not { Length: 2 or 4 or 6 } prefix || !prefix.All(char.IsAsciiDigit))
                {
                    violations.Add(new FieldViolation($"subscription.hs_prefixes[{i}]",
                        $"Must be an HS chapter (2 digits), heading (4) or subheading (6); got {Echo.Quote(subscription.HsPrefixes[i])}."));
                }
            }
            RequestChecks.CheckText(subscription.Description, 1, 256, "subscription.description", violations);
        }
        RequestChecks.ThrowIfAny(violations);
        var created = request.Subscription!.Clone();
        created.Name = $"{agency.Name}/subscriptions/{request.SubscriptionId}";
        await _subscriptions.CreateAsync(created.Name, created, cancellationToken);
        _snapshot.Changed();
        return created;
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(AgencyIdentity agency, ListSubscriptionsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        CheckParent(agency, request.Parent, violations);
        RequestChecks.ThrowIfAny(violations);
        return await _subscriptions.AllAsync(agency.Name + "/subscriptions/", cancellationToken);
    }

    public async Task DeleteAsync(AgencyIdentity agency, DeleteSubscriptionRequest request, CancellationToken cancellationToken)
    {
        var prefix = agency.Name + "/subscriptions/";
        if (request.Name is null || !request.Name.StartsWith(prefix, StringComparison.Ordinal))
        {
            // Another agency's subscription is not visible: the same answer as a missing one.
            throw new Errors.ResourceNotFoundException(request.Name ?? "");
        }
        await _subscriptions.DeleteAsync(request.Name, cancellationToken);
        _snapshot.Changed();
    }

    /// <summary>The agencies (ids) whose subscriptions match any item's HS code, and whether each wants to review before release.</summary>
    public async Task<IReadOnlyList<AgencyMatch>> MatchAsync(Declaration declaration, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.ByPrefix.Count == 0)
        {
            return [];
        }
        var matches = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        foreach (var item in declaration.Items)
        {
            var hs = item.HsCode;
            foreach (var length in (ReadOnlySpan<int>)[2, 4, 6])
            {
                if (hs.Length >= length && snapshot.ByPrefix.TryGetValue(hs[..length], out var subscribers))
                {
                    foreach (var (agencyId, review) in subscribers)
                    {
                        matches[agencyId] = matches.GetValueOrDefault(agencyId) || review;
                    }
                }
            }
        }
        return matches.Select(m => new AgencyMatch(m.Key, m.Value)).ToList();
    }

    private static void CheckParent(AgencyIdentity agency, string? parent, List<FieldViolation> violations)
    {
        if (parent != agency.Name)
        {
            if (parent is not null && parent.StartsWith(AgencyIdentity.Prefix, StringComparison.Ordinal))
            {
                throw new Errors.RoleNotPermittedException(parent);
            }
            violations.Add(new FieldViolation("parent", $"Must be the calling agency, '{agency.Name}'; got {Echo.Quote(parent)}."));
        }
    }

    private ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken) => _snapshot.GetAsync(cancellationToken);

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var byPrefix = new Dictionary<string, List<(string AgencyId, bool Review)>>(StringComparer.Ordinal);
        foreach (var subscription in await _subscriptions.AllAsync(AgencyIdentity.Prefix, cancellationToken))
        {
            var agencyId = subscription.Name.Split('/')[1];
            foreach (var prefix in subscription.HsPrefixes)
            {
                if (!byPrefix.TryGetValue(prefix, out var list))
                {
                    byPrefix[prefix] = list = [];
                }
                list.Add((agencyId, subscription.HoldForReview));
            }
        }
        return new Snapshot(byPrefix);
    }

    private sealed record Snapshot(Dictionary<string, List<(string AgencyId, bool Review)>> ByPrefix);
}

/// <summary>An agency a declaration matched, and whether the agency reviews before release (an automatic hold).</summary>
public sealed record AgencyMatch(string AgencyId, bool HoldForReview);
