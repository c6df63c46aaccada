namespace Exchange.Core.Identity;

/// <summary>
/// Who is calling, as established by the host's authentication. Every read and write of the
/// declaration workflow is scoped by it: a filer only ever sees its own declarations.
/// </summary>
/// <param name="FilerId">The filer's id, as in <c>filers/{filer}</c>.</param>
public sealed record CallerIdentity(string FilerId);
