using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Conduit.Aws.Lambda.Runtime;

namespace Conduit.Local.Lambda;

public enum RuntimePostKind
{
    Response,
    Error,
    InitError,
}
