using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

/// <summary>A storage backend the store contract runs against.</summary>
public interface IStoreBackend
{
    ChatStores Open(TimeProvider time, TimeSpan ttl);
}
