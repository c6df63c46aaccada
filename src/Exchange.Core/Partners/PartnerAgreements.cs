using Exchange.Contracts.Partner.V1;
using Exchange.Core.Identity;

namespace Exchange.Core.Partners;

/// <summary>
/// The data-sharing agreement with one partner administration, as configured: where its node
/// listens, which message kinds go each way, and which declaration fields it must not receive.
/// </summary>
/// <param name="Code">The partner's ISO 3166-1 alpha-2 administration code, e.g. "BE".</param>
/// <param name="Endpoint">The partner node's gRPC endpoint (https in certificate mode).</param>
/// <param name="Send">What this node sends to the partner.</param>
/// <param name="Receive">What this node accepts from the partner.</param>
/// <param name="WithheldFields">Paths in Declaration cleared before a declaration is shared (<see cref="DeclarationPaths"/>).</param>
public sealed record PartnerAgreement(
    string Code,
    string Endpoint,
    IReadOnlySet<MessageKind> Send,
    IReadOnlySet<MessageKind> Receive,
    IReadOnlyList<string> WithheldFields)
{
    /// <summary>`partners/{code}`.</summary>
    public string Name => PartnerIdentity.Prefix + Code;

    /// <summary>Every problem with the agreement, each naming the setting; empty when it is sound.</summary>
    public IEnumerable<string> Problems(string ownCode)
    {
        if (!PartnerIdentity.IsCountryCode(Code))
        {
            yield return $"'{Code}' is not an ISO 3166-1 alpha-2 administration code (two upper-case letters).";
        }
        if (Code == ownCode)
        {
            yield return $"'{Code}' is this node's own administration.";
        }
        if (Send.Count > 0 && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            yield return $"Endpoint '{Endpoint}' is not an absolute URL, and the agreement sends to this partner.";
        }
        if (Send.Contains(MessageKind.KnownShipperLookups))
        {
            yield return "Send cannot name KnownShipperLookups: look-ups are answered, not sent.";
        }
        if (Send.Contains(MessageKind.Unspecified) || Receive.Contains(MessageKind.Unspecified))
        {
            yield return "Unspecified is not a message kind.";
        }
        foreach (var path in WithheldFields)
        {
            if (DeclarationPaths.Problem(path) is { } problem)
            {
                yield return $"WithheldFields '{path}': {problem}";
            }
        }
    }
}

/// <summary>The node's partners, by administration code.</summary>
public sealed class PartnerAgreements
{
    private readonly Dictionary<string, PartnerAgreement> _byCode;

    public PartnerAgreements(string ownCode, IEnumerable<PartnerAgreement> agreements)
    {
        OwnCode = ownCode;
        _byCode = agreements.ToDictionary(a => a.Code, StringComparer.Ordinal);
    }

    /// <summary>This node's own administration code.</summary>
    public string OwnCode { get; }

    /// <summary>Every partner, ordered by code.</summary>
    public IReadOnlyList<PartnerAgreement> All => _byCode.Values.OrderBy(a => a.Code, StringComparer.Ordinal).ToList();

    public bool IsEmpty => _byCode.Count == 0;

    public PartnerAgreement? Find(string code) => _byCode.GetValueOrDefault(code);

    /// <summary>The agreement with a partner if it lets this node send it <paramref name="kind"/>; null otherwise.</summary>
    public PartnerAgreement? SendingTo(string code, MessageKind kind) =>
        Find(code) is { } agreement && agreement.Send.Contains(kind) ? agreement : null;
}
