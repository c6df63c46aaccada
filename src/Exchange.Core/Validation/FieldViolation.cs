namespace Exchange.Core.Validation;

/// <summary>
/// One broken rule: the path of the field as the caller sent it (proto field names, zero-based
/// list indexes, e.g. <c>declaration.items[2].hs_code</c>) and what is wrong, in words a filer can act on.
/// </summary>
public sealed record FieldViolation(string Field, string Description);
