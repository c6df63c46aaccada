using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Process exit codes, so scripts can tell "fix your input" from "try again later".
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Anything that is not the caller's input: server unreachable, refused credentials, a conflict, an interruption.</summary>
    public const int Failure = 1;

    /// <summary>The input was refused: a wrong command line, an unreadable or invalid file, or a request the server rejected as given.</summary>
    public const int Rejected = 2;

    /// <summary>
    /// Which codes mean "the request as sent is wrong". ABORTED (etag mismatch) is not among them:
    /// the same command can succeed when re-run, nothing needs fixing.
    /// </summary>
    public static int ForStatus(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange
            or StatusCode.NotFound or StatusCode.AlreadyExists => Rejected,
        _ => Failure,
    };
}
