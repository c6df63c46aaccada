using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;

namespace Exchange.Core.Tests.Validation;

/// <summary>The shared valid samples, changed by one edit for a test.</summary>
internal static class Samples
{
    public static Declaration Postal(Action<Declaration> edit)
    {
        var declaration = SampleDeclarations.PostalGift();
        edit(declaration);
        return declaration;
    }

    public static Declaration Express(Action<Declaration> edit)
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        edit(declaration);
        return declaration;
    }
}
