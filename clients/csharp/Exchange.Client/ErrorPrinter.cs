using Google.Rpc;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client;

/// <summary>
/// Prints a refusal the way the standard encodes it: google.rpc.Status with one ErrorInfo (a
/// stable reason a program can branch on) and one BadRequest naming every violated field. Every
/// violation is shown, not just the first, so a filer can fix a declaration in one round trip.
/// </summary>
public static class ErrorPrinter
{
    /// <summary>Prints a failed call, with its rich details when the server sent them.</summary>
    public static void Print(IAnsiConsole console, RpcException exception)
    {
        var status = exception.GetRpcStatus()
            // No details (e.g. the node was unreachable): show what gRPC itself knows.
            ?? new Google.Rpc.Status { Code = (int)exception.StatusCode, Message = exception.Status.Detail };
        Print(console, status);
    }

    /// <summary>Prints a google.rpc.Status, e.g. the refusal of one item of a bulk submission.</summary>
    public static void Print(IAnsiConsole console, Google.Rpc.Status status)
    {
        var info = status.GetDetail<ErrorInfo>();
        var reason = info is null ? "" : $" {info.Reason}";
        console.MarkupLine($"[red]Error {Markup.Escape(CodeName(status.Code))}{Markup.Escape(reason)}[/]: {Markup.Escape(status.Message)}");

        if (info is not null)
        {
            foreach (var (key, value) in info.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                console.WriteLine($"  {key}: {value}");
            }
        }

        var badRequest = status.GetDetail<BadRequest>();
        if (badRequest is { FieldViolations.Count: > 0 })
        {
            // Paths are never wrapped: a filer copies them to find the field in the file.
            var table = new Table().AddColumn(new TableColumn("Field").NoWrap()).AddColumn("Problem");
            foreach (var violation in badRequest.FieldViolations)
            {
                table.AddRow(Display.Cells(violation.Field, violation.Description));
            }
            console.Write(table);
        }
    }

    /// <summary>INVALID_ARGUMENT rather than 3 or InvalidArgument: the name the gRPC docs use.</summary>
    public static string CodeName(int code) =>
        System.Enum.IsDefined(typeof(Code), code) ? Display.Label((Code)code) : code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
