namespace Exchange.Conformance.Runner;

/// <summary>
/// One conformance check. Its <paramref name="Id"/> is stable (reports and scripts refer to it:
/// never reuse an id for another meaning); its <paramref name="Title"/> says in one line what a
/// conforming node does. A check builds all its own data, so checks run in any order and alone.
/// </summary>
/// <param name="Id">Stable id, <c>area.what-it-proves</c>, e.g. <c>submit.accepts-valid</c>.</param>
/// <param name="Area">The group the report prints it under, e.g. "Submit".</param>
/// <param name="Title">One line: the behaviour the contract requires.</param>
/// <param name="RunAsync">Proves it: returns when the node conforms, throws <see cref="Assertions.CheckFailedException"/> when not.</param>
public sealed record Check(string Id, string Area, string Title, Func<CheckContext, Task> RunAsync);

/// <summary>How a check ended.</summary>
public enum Verdict
{
    /// <summary>The node behaved as the contract requires.</summary>
    Pass,

    /// <summary>The node answered, but not as the contract requires.</summary>
    Fail,

    /// <summary>The check could not reach a verdict: a setup call failed, a call timed out, something unexpected.</summary>
    Error,
}

/// <summary>The result of one check, with why it failed (or a note on how it passed).</summary>
public sealed record CheckOutcome(Check Check, Verdict Verdict, string? Reason);
