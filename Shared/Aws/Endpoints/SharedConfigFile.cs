namespace Conduit.Aws.Endpoints;

/// <summary>
/// The shared config file's INI dialect as far as endpoints need it: <c>[section]</c> headers, <c>key = value</c>
/// lines, and a key with an empty value opening indented sub-keys (<c>sqs =</c> then <c>  endpoint_url = …</c>),
/// stored as <c>sqs.endpoint_url</c>. Comments start with # or ;.
/// </summary>
public sealed class SharedConfigFile
{
    private readonly Dictionary<string, Dictionary<string, string>> _sections = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string>? Section(string name) => _sections.GetValueOrDefault(name);

    public static SharedConfigFile Parse(string text)
    {
        var file = new SharedConfigFile();
        Dictionary<string, string>? section = null;
        string? parent = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';') continue;
            if (trimmed[0] == '[' && trimmed[^1] == ']')
            {
                var name = string.Join(' ', trimmed[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                section = file._sections[name] = new Dictionary<string, string>(StringComparer.Ordinal);
                parent = null;
                continue;
            }
            if (section is null || trimmed.IndexOf('=') is not (> 0 and var equals)) continue;
            var key = trimmed[..equals].Trim().ToLowerInvariant();
            var value = trimmed[(equals + 1)..].Trim();
            var indented = char.IsWhiteSpace(line[0]);
            if (indented && parent is not null)
            {
                section[$"{parent}.{key}"] = value;
                continue;
            }
            parent = value.Length == 0 ? key : null;
            section[key] = value;
        }
        return file;
    }
}
