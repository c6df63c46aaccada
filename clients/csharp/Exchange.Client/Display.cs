using System.Globalization;
using System.Reflection;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Exchange.Client;

/// <summary>How values look on screen: enum labels, times, the short summary of a declaration.</summary>
public static class Display
{
    /// <summary>Proto3 JSON as the contract defines it (camelCase names, enums by name), indented for people.</summary>
    public static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation("  "));

    /// <summary>
    /// The proto name of an enum value without the enum's prefix, e.g. ACCEPTED for
    /// DECLARATION_STATUS_ACCEPTED: what the standard's documents call it, unlike C#'s "Accepted".
    /// </summary>
    public static string Label<T>(T value) where T : struct, System.Enum
    {
        var full = ProtoName(value);
        var prefix = Prefix<T>();
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full[prefix.Length..] : full;
    }

    /// <summary>Reads a label typed by a user: ACCEPTED, accepted, under-review or the full proto name.</summary>
    public static bool TryParseLabel<T>(string text, out T value) where T : struct, System.Enum
    {
        var wanted = text.Trim().Replace('-', '_').ToUpperInvariant();
        foreach (var candidate in System.Enum.GetValues<T>())
        {
            if (wanted == Label(candidate) || wanted == ProtoName(candidate))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>A timestamp in UTC, ISO 8601 with a space for readability; "-" when absent.</summary>
    public static string Time(Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Where a declaration stands, in words a filer reads at a glance, e.g. "Released" or "Accepted,
    /// under assessment": what the node answered, never what the command hoped for (a submission
    /// answered from an earlier one may well be released already).
    /// </summary>
    public static string StatusWording(DeclarationStatus status) => status switch
    {
        DeclarationStatus.Accepted => "Accepted, under assessment",
        DeclarationStatus.UnderReview => "Under review",
        DeclarationStatus.Assessed => "Assessed, to be released on arrival",
        DeclarationStatus.Released => "Released",
        DeclarationStatus.Held => "Held",
        DeclarationStatus.Rejected => "Rejected",
        DeclarationStatus.Cancelled => "Cancelled",
        DeclarationStatus.Seized => "Seized",
        DeclarationStatus.ReturnedToSender => "Returned to sender",
        DeclarationStatus.Abandoned => "Abandoned",
        DeclarationStatus.Destroyed => "Destroyed",
        _ => $"Status {Label(status)}",
    };

    /// <summary>
    /// The heading over a declaration a command changed: what was done, then where the declaration
    /// stands now ("Arrived: held"); only the status when nothing more was done ("Released").
    /// </summary>
    public static string Heading(string? done, DeclarationStatus status)
    {
        var wording = StatusWording(status);
        return done is null || string.Equals(done, wording, StringComparison.OrdinalIgnoreCase)
            ? wording
            : $"{done}: {char.ToLowerInvariant(wording[0])}{wording[1..]}";
    }

    /// <summary>Name, customs reference, status, revision and etag: what a filer keeps after a change.</summary>
    public static void Summary(IAnsiConsole console, string heading, Declaration declaration, string? requestId = null)
    {
        console.MarkupLine($"[green]{Markup.Escape(heading)}[/] {Markup.Escape(declaration.Name)}");
        var grid = new Grid().AddColumn(new GridColumn().Padding(2, 0, 2, 0).NoWrap()).AddColumn();
        AddRow(grid, "Local reference", declaration.LocalReferenceNumber);
        AddRow(grid, "Customs reference", declaration.CustomsReference);
        AddRow(grid, "Status", Label(declaration.Status));
        if (declaration.SecurityAssessment is { } security)
        {
            AddRow(grid, "Security assessment", Label(security.State));
        }
        if (declaration.Clearance is { } clearance)
        {
            AddRow(grid, "Clearance", Label(clearance.State));
            if (clearance.ArriveTime is not null)
            {
                AddRow(grid, "Arrived", Time(clearance.ArriveTime));
            }
            if (clearance.PresentationTime is not null)
            {
                AddRow(grid, "Presented", Time(clearance.PresentationTime));
            }
            if (clearance.ControlResult is { } control)
            {
                AddRow(grid, "Control result", $"{Label(control.Outcome)}: {control.Remarks}");
            }
        }
        if (declaration.Disposition is { } disposition)
        {
            AddDisposition(grid, disposition);
        }
        AddRow(grid, "Revision", declaration.Revision.ToString(CultureInfo.InvariantCulture));
        AddRow(grid, "Etag", declaration.Etag);
        if (requestId is not null)
        {
            AddRow(grid, "Request id", requestId);
        }
        console.Write(grid);
    }

    /// <summary>What became of the goods after a hold: the type, legal basis, return item, appeal deadline and who the notices are for.</summary>
    private static void AddDisposition(Grid grid, Disposition disposition)
    {
        AddRow(grid, "Disposition", $"{Label(disposition.Type)}: {disposition.Reason}");
        if (disposition.LegalBasis is { } basis)
        {
            AddRow(grid, "Legal basis", $"{basis.Citation} ({basis.Code})");
        }
        if (disposition.ReturnItemIdentifier.Length > 0)
        {
            AddRow(grid, "Return item", disposition.ReturnItemIdentifier);
        }
        if (disposition.AppealDeadline is not null)
        {
            AddRow(grid, "Appeal by", Time(disposition.AppealDeadline));
        }
        foreach (var notice in disposition.Notices)
        {
            AddRow(grid, $"Notice to {Label(notice.Recipient).ToLowerInvariant()}", notice.PartyName);
        }
    }

    /// <summary>A table row of plain text: values from files or the server are never read as markup.</summary>
    public static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Text(v)).ToArray();

    private static void AddRow(Grid grid, string label, string value) =>
        grid.AddRow(Cells(label, value.Length == 0 ? "-" : value));

    private static string ProtoName<T>(T value) where T : struct, System.Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();

    // Proto enum values are prefixed with the enum name in UPPER_SNAKE (Buf STANDARD lint):
    // DeclarationStatus -> DECLARATION_STATUS_.
    private static string Prefix<T>()
    {
        var name = typeof(T).Name;
        var prefix = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                prefix.Append('_');
            }
            prefix.Append(char.ToUpperInvariant(name[i]));
        }
        return prefix.Append('_').ToString();
    }
}
