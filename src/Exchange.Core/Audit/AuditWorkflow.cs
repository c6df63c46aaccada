using System.Globalization;
using Exchange.Contracts.Audit.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Audit;

/// <summary>
/// ListAuditRecords: checks the request (every problem with its field path), reads one page of
/// the log newest first, and names each record <c>auditRecords/{sequence}</c>. Officers only (the
/// host resolves the officer before calling).
/// </summary>
public sealed class AuditWorkflow(IAuditStore store)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>The collection of audit records, as in <c>auditRecords/{audit_record}</c>.</summary>
    public const string Collection = "auditRecords";

    public async Task<ListAuditRecordsResponse> ListAuditRecordsAsync(
        OfficerIdentity officer, ListAuditRecordsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(officer);
        ArgumentNullException.ThrowIfNull(request);
        var (pageSize, query) = Check(request);
        if (!string.IsNullOrEmpty(request.PageToken))
        {
            query = query with { BeforeSequence = AuditPageTokens.Read(request.PageToken, query) };
        }

        // One row more than the page tells whether another page exists without a count query.
        var rows = await store.ListAsync(query, cancellationToken);
        var response = new ListAuditRecordsResponse();
        response.AuditRecords.AddRange(rows.Take(pageSize).Select(RecordOf));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = AuditPageTokens.Issue(rows[pageSize - 1].Sequence, query);
        }
        return response;
    }

    /// <summary>The resource name of the record with <paramref name="sequence"/>.</summary>
    public static string NameOf(long sequence) => Collection + "/" + sequence.ToString(CultureInfo.InvariantCulture);

    public static AuditRecord RecordOf(AuditRecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var entry = row.Entry;
        return new AuditRecord
        {
            Name = NameOf(row.Sequence),
            Time = Timestamps.ToProto(entry.Time),
            Actor = entry.Actor,
            Action = entry.Action,
            Resource = entry.Resource,
            Outcome = entry.Outcome,
            Detail = entry.Detail,
        };
    }

    /// <summary>The request's problems, all of them, or its page size and query (without a position).</summary>
    private static (int PageSize, AuditQuery Query) Check(ListAuditRecordsRequest request)
    {
        var violations = new List<FieldViolation>();
        if (request.PageSize < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        CheckFilterText(request.Actor, "actor", violations);
        CheckFilterText(request.ResourcePrefix, "resource_prefix", violations);
        var start = RequestChecks.ReadOptionalTime(request.StartTime, "start_time", violations);
        var end = RequestChecks.ReadOptionalTime(request.EndTime, "end_time", violations);
        if (start is { } from && end is { } to && to < from)
        {
            violations.Add(new FieldViolation("end_time", "Must not be before start_time."));
        }
        RequestChecks.ThrowIfAny(violations);

        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        return (pageSize, new AuditQuery(
            pageSize + 1,
            string.IsNullOrEmpty(request.Actor) ? null : request.Actor,
            string.IsNullOrEmpty(request.ResourcePrefix) ? null : request.ResourcePrefix,
            start,
            end));
    }

    /// <summary>
    /// An optional filter text: printable, and no longer than what the trail keeps
    /// (<see cref="AuditTrail.MaxTextLength"/>), since a longer one could never match.
    /// </summary>
    private static void CheckFilterText(string value, string field, List<FieldViolation> violations)
    {
        if (!string.IsNullOrEmpty(value) && TextValues.Check(value, 1, AuditTrail.MaxTextLength) is { } problem)
        {
            violations.Add(new FieldViolation(field, problem));
        }
    }
}
