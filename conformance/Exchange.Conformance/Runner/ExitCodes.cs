namespace Exchange.Conformance.Runner;

/// <summary>The kit's process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Every selected check passed (or --list / --help).</summary>
    public const int AllPassed = 0;

    /// <summary>At least one check failed or ended in error.</summary>
    public const int SomeFailed = 1;

    /// <summary>A wrong command line, or the target could not be reached at all: nothing was checked.</summary>
    public const int NotRun = 2;
}
