using Exchange.Core.Identity;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>Establishes who is calling; every service call is scoped by the answer.</summary>
public interface ICallerIdentityResolver
{
    /// <summary>The authenticated caller, or a CallerUnauthenticatedException.</summary>
    CallerIdentity Resolve(ServerCallContext context);
}
