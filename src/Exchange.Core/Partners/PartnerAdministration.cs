using System.Buffers.Binary;
using System.Buffers.Text;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Partners;

/// <summary>What officers see of the node's partner links: each agreement and its outbox (backlog and messages).</summary>
public sealed class PartnerAdministration(PartnerAgreements agreements, IOutboxStore outbox, TimeProvider clock)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public async Task<Partner> GetAsync(string name, CancellationToken cancellationToken)
    {
        var agreement = Find(name, "name");
        return await DescribeAsync(agreement, cancellationToken);
    }

    public async Task<ListPartnersResponse> ListAsync(ListPartnersRequest request, CancellationToken cancellationToken)
    {
        if (request.PageSize < 0)
        {
            throw new ValidationFailedException([new FieldViolation("page_size", "Must not be negative.")]);
        }
        // The token is the last code of the previous page: agreements are few and ordered by code.
        var after = string.IsNullOrEmpty(request.PageToken) ? null : ReadPartnerToken(request.PageToken);
        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var remaining = agreements.All.Where(a => after is null || string.CompareOrdinal(a.Code, after) > 0).ToList();
        var response = new ListPartnersResponse();
        foreach (var agreement in remaining.Take(pageSize))
        {
            response.Partners.Add(await DescribeAsync(agreement, cancellationToken));
        }
        if (remaining.Count > pageSize)
        {
            response.NextPageToken = Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes("partners-after:" + remaining[pageSize - 1].Code));
        }
        return response;
    }

    private static string ReadPartnerToken(string token)
    {
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
            const string prefix = "partners-after:";
            return text.StartsWith(prefix, StringComparison.Ordinal) && PartnerIdentity.IsCountryCode(text[prefix.Length..])
                ? text[prefix.Length..]
                : throw new InvalidPageTokenException();
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException();
        }
    }

    public async Task<ListOutboxMessagesResponse> ListOutboxAsync(ListOutboxMessagesRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (request.PageSize < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        if (!System.Enum.IsDefined(request.State))
        {
            violations.Add(new FieldViolation("state", "Not an OutboxMessageState value."));
        }
        RequestChecks.ThrowIfAny(violations);
        var agreement = Find(request.Parent, "parent");
        var state = request.State == OutboxMessageState.Unspecified ? (OutboxMessageState?)null : request.State;
        long? after = string.IsNullOrEmpty(request.PageToken) ? null : ReadToken(request.PageToken, agreement.Code, request.State);
        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var rows = await outbox.ListAsync(agreement.Code, state, after, pageSize + 1, cancellationToken);
        var response = new ListOutboxMessagesResponse();
        response.OutboxMessages.AddRange(rows.Take(pageSize).Select(r => MessageOf(agreement, r)));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = Token(rows[pageSize - 1].Sequence, agreement.Code, request.State);
        }
        return response;
    }

    private PartnerAgreement Find(string name, string field)
    {
        if (!name.StartsWith(PartnerIdentity.Prefix, StringComparison.Ordinal) || !PartnerIdentity.IsCountryCode(name[PartnerIdentity.Prefix.Length..]))
        {
            throw new ValidationFailedException([new FieldViolation(field, "Must be partners/{administration}, e.g. partners/BE.")]);
        }
        return agreements.Find(name[PartnerIdentity.Prefix.Length..]) ?? throw new ResourceNotFoundException(name);
    }

    private async Task<Partner> DescribeAsync(PartnerAgreement agreement, CancellationToken cancellationToken)
    {
        var backlog = await outbox.GetBacklogAsync(agreement.Code, cancellationToken);
        var partner = new Partner
        {
            Name = agreement.Name,
            Endpoint = agreement.Endpoint,
            Send = { agreement.Send.Order() },
            Receive = { agreement.Receive.Order() },
            WithheldFields = { agreement.WithheldFields },
            Backlog = new OutboxBacklog
            {
                PendingMessages = backlog.Pending,
                DeliveredMessages = backlog.Delivered,
                RejectedMessages = backlog.Rejected,
                OldestPendingAge = Duration.FromTimeSpan(backlog.OldestPendingCreateTime is { } oldest
                    ? TimeSpan.FromTicks(Math.Max(0, (clock.GetUtcNow() - oldest).Ticks))
                    : TimeSpan.Zero),
                LastError = backlog.LastError,
            },
        };
        if (backlog.NextAttemptTime is { } next)
        {
            partner.Backlog.NextAttemptTime = Timestamps.ToProto(next);
        }
        return partner;
    }

    private static OutboxMessage MessageOf(PartnerAgreement agreement, OutboxRecord record)
    {
        var message = new OutboxMessage
        {
            Name = $"{agreement.Name}/outboxMessages/{record.Entry.MessageId}",
            Kind = record.Entry.Kind,
            Declaration = record.Entry.DeclarationName,
            State = record.State,
            Attempts = record.Attempts,
            CreateTime = Timestamps.ToProto(record.Entry.CreateTime),
            LastError = record.State == OutboxMessageState.Pending ? record.LastError : "",
        };
        if (record.AcknowledgeTime is { } acknowledged)
        {
            message.AcknowledgeTime = Timestamps.ToProto(acknowledged);
        }
        if (record.Rejection is { } rejection)
        {
            message.Rejection = Google.Rpc.Status.Parser.ParseFrom(rejection);
        }
        return message;
    }

    // Keyset tokens: the last sequence of the page, bound to the partner and state filter.
    private static string Token(long sequence, string partner, OutboxMessageState state)
    {
        var bytes = new byte[8 + 4 + 2];
        BinaryPrimitives.WriteInt64BigEndian(bytes, sequence);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), (int)state);
        bytes[12] = (byte)partner[0];
        bytes[13] = (byte)partner[1];
        return Base64Url.EncodeToString(bytes);
    }

    private static long ReadToken(string token, string partner, OutboxMessageState state)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException();
        }
        if (bytes.Length != 14 || BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)) != (int)state
            || bytes[12] != partner[0] || bytes[13] != partner[1])
        {
            throw new InvalidPageTokenException();
        }
        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }
}
