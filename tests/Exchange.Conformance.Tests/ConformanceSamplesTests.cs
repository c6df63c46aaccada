using Exchange.Conformance.Samples;
using Exchange.Testing;

namespace Exchange.Conformance.Tests;

/// <summary>
/// The kit carries its own copy of the valid samples (it ships without the repository's test
/// code). The copies must stay the declarations the node's own tests prove valid.
/// </summary>
public sealed class ConformanceSamplesTests
{
    [Fact]
    public void The_postal_gift_is_the_repositorys_valid_sample_but_for_its_lrn_and_arrival()
    {
        var kit = ConformanceSamples.PostalGift("LRN-GIFT-0001");
        var repository = SampleDeclarations.PostalGift();

        Assert.True(kit.Transport.ExpectedArrivalTime.ToDateTime() > DateTime.UtcNow, "the kit's arrival lies ahead of the run");
        kit.Transport.ExpectedArrivalTime = repository.Transport.ExpectedArrivalTime;
        Assert.Equal(repository, kit);
    }

    [Fact]
    public void The_express_sale_is_the_repositorys_valid_sample_but_for_its_lrn()
    {
        Assert.Equal(SampleDeclarations.ExpressMarketplaceSale(), ConformanceSamples.ExpressMarketplaceSale("LRN-SALE-0001"));
    }
}
