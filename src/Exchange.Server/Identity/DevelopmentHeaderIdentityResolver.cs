using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>
/// Development scheme: the caller states its filer id in the <c>x-exchange-filer</c> header and
/// is believed. It proves nothing, so it is for a developer's machine and tests only.
/// </summary>
public sealed class DevelopmentHeaderIdentityResolver : ICallerIdentityResolver
{
    public const string HeaderName = "x-exchange-filer";

    public CallerIdentity Resolve(ServerCallContext context)
    {
        var filerId = context.RequestHeaders.GetValue(HeaderName);
        if (string.IsNullOrEmpty(filerId))
        {
            throw new CallerUnauthenticatedException($"Name the calling filer in the '{HeaderName}' header.");
        }
        if (!ResourceNames.IsValidId(filerId))
        {
            throw new CallerUnauthenticatedException(
                $"The '{HeaderName}' header must be a filer id: lower-case letters, digits and hyphens, at most 63 characters.");
        }
        return new CallerIdentity(filerId);
    }
}
