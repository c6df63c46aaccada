using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;

namespace Exchange.Server.Tests.Support;

/// <summary>Request builders, so each test states only what it varies.</summary>
public static class Requests
{
    public static SubmitDeclarationRequest Submit(string filerId, Declaration? declaration = null, string? requestId = null) => new()
    {
        Parent = $"filers/{filerId}",
        Declaration = declaration ?? SampleDeclarations.PostalGift(),
        RequestId = requestId ?? Guid.NewGuid().ToString(),
    };

    public static async Task<Declaration> SubmitAsync(
        this DeclarationService.DeclarationServiceClient client, string filerId, Declaration? declaration = null) =>
        (await client.SubmitDeclarationAsync(Submit(filerId, declaration))).Declaration;
}
