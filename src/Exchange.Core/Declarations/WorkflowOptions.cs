namespace Exchange.Core.Declarations;

/// <summary>Settings of the declaration workflow, as configured for one administration.</summary>
public sealed class WorkflowOptions
{
    /// <summary>ISO 3166-1 alpha-2 code of the administration running the node; starts every MRN it issues.</summary>
    public string AdministrationCountryCode { get; set; } = "NL";

    /// <summary>
    /// How long a watch waits for a signal before it reads the store anyway. Signals are a fast
    /// path; this bound is what guarantees delivery when a signal is lost or raised on another node.
    /// </summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most single submissions written together in one group-commit transaction.</summary>
    public int SubmitBatchSize { get; set; } = 256;

    /// <summary>Events read from the store per batch while a watch catches up.</summary>
    public int WatchBatchSize { get; set; } = 500;
}
