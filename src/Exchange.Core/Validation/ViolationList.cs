namespace Exchange.Core.Validation;

/// <summary>
/// The violations found so far. Every rule adds to one list so that the caller gets all of its
/// mistakes in one answer (AIP-193: one BadRequest holding every field violation), not one per
/// attempt.
/// </summary>
internal sealed class ViolationList
{
    private readonly List<FieldViolation> items = [];

    public int Count => items.Count;

    public void Add(string field, string description) => items.Add(new FieldViolation(field, description));

    /// <summary>A required field or sub-message is absent; reported once, at its own path.</summary>
    public void Required(string field) => Add(field, "is required");

    public void Required(string field, string hint) => Add(field, $"is required: {hint}");

    public IReadOnlyList<FieldViolation> ToReadOnlyList() => items.ToArray();
}
