namespace Exchange.Conformance.Assertions;

/// <summary>The node answered, but not as the contract requires: the check FAILs with this reason.</summary>
public sealed class CheckFailedException(string reason) : Exception(reason);

/// <summary>A step the check needed (not the behaviour it judges) did not work: the check is an ERROR.</summary>
public sealed class CheckSetupException(string reason) : Exception(reason);
