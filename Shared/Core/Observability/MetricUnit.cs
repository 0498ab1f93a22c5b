using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Conduit.Core.Observability;

public enum MetricUnit
{
    Milliseconds,
    Count,
}
