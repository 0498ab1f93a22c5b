using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;
using Conduit.Local.Lambda;

namespace Conduit.Local.Gateway;

public enum PostOutcome
{
    Delivered,
    Gone,
    TooLarge,
}
