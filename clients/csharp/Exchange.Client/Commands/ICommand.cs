using Exchange.Client.Cli;

namespace Exchange.Client.Commands;

/// <summary>
/// One command of the client. Commands do the happy path only: <see cref="ClientApp"/> turns
/// usage mistakes, unreadable files and gRPC errors into messages and exit codes in one place.
/// </summary>
public interface ICommand
{
    /// <summary>Runs the command; returns the process exit code (<see cref="ExitCodes"/>).</summary>
    Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken);
}
