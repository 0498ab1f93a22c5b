using System.Globalization;

namespace Conduit.Bench;

public static class ProcessMemory
{
    /// <summary>VmRSS from /proc: the pages of a process actually in memory now.</summary>
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
            return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS line.");
    }
}
