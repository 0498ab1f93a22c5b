using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Parses the value of a <c>.$</c> field that invokes an intrinsic function, <c>States.Name(argument, ...)</c>. An
/// argument is a string literal in single quotes (escapes <c>\'</c>, <c>\{</c>, <c>\}</c>, <c>\\</c>), a number,
/// <c>true</c>, <c>false</c>, <c>null</c>, a Path (<c>$.x</c>, <c>$$.Execution.Id</c>) or another invocation. The
/// function names, argument counts and the types of literal arguments are checked here, so a malformed call is
/// refused when the definition loads.
/// </summary>
internal static class IntrinsicFunctionParser
{
    public const string Prefix = "States.";

    /// <summary>The most invocations one field may hold (AWS: "You can nest up to 10 intrinsic functions within a field").</summary>
    public const int MaxCallsPerField = 10;

    public static bool LooksLikeInvocation(string text) => text.TrimStart().StartsWith(Prefix, StringComparison.Ordinal);

    public static IntrinsicCall Parse(string text, string location, string field)
    {
        try
        {
            var reader = new Reader(text);
            var call = reader.ReadCall();
            reader.SkipSpaces();
            if (!reader.AtEnd) throw reader.Problem("unexpected text after the closing parenthesis");
            return call;
        }
        catch (FormatException problem)
        {
            throw new AslLoadException(
                $"{location} field \"{field}\" has an invalid intrinsic function call \"{text}\": {problem.Message}");
        }
    }

    private sealed class Reader(string text)
    {
        private int _position;

        private int _calls;

        public bool AtEnd => _position >= text.Length;

        private char Current => text[_position];

        public IntrinsicCall ReadCall()
        {
            // Counted as they open, so a deeply nested definition is refused before it can exhaust the stack.
            if (++_calls > MaxCallsPerField)
            {
                throw new FormatException(
                    $"it holds more than {MaxCallsPerField} intrinsic functions; a field may hold at most {MaxCallsPerField}");
            }

            SkipSpaces();
            var start = _position;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '.')) _position++;
            var name = text[start.._position];
            var function = IntrinsicFunctions.Find(name)
                ?? throw new FormatException(
                    $"\"{name}\" is not an intrinsic function; they are {string.Join(", ", IntrinsicFunctions.Names)}");
            SkipSpaces();
            Expect('(', $"expected \"(\" after {name}");

            var arguments = new List<IntrinsicArgument>();
            SkipSpaces();
            if (!AtEnd && Current == ')')
            {
                _position++;
            }
            else
            {
                while (true)
                {
                    arguments.Add(ReadArgument());
                    SkipSpaces();
                    if (AtEnd) throw Problem($"{name} has no closing parenthesis");
                    if (Current == ')')
                    {
                        _position++;
                        break;
                    }

                    Expect(',', "expected \",\" or \")\" after an argument");
                }
            }

            return Check(new IntrinsicCall(function, arguments));
        }

        public void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(Current)) _position++;
        }

        public FormatException Problem(string what) => new($"{what} (at character {Math.Min(_position, text.Length) + 1})");

        private static IntrinsicCall Check(IntrinsicCall call)
        {
            var function = call.Function;
            if (function.CountProblem(call.Arguments.Count) is { } countProblem) throw new FormatException(countProblem);
            for (var i = 0; i < call.Arguments.Count; i++)
            {
                var kind = function.KindAt(i);
                if (call.Arguments[i] is LiteralArgument literal && !IntrinsicFunction.Accepts(kind, literal.Value))
                {
                    throw new FormatException(
                        $"argument {i + 1} of {function.Name} must be {IntrinsicFunction.Describe(kind)}, "
                        + $"but is the literal {AslJson.Serialize(literal.Value)}");
                }
            }

            if (function.Name == "States.Format" && call.Arguments[0] is LiteralArgument { FormatPieces: { } pieces }
                && pieces.Count - 1 != call.Arguments.Count - 1)
            {
                throw new FormatException(
                    $"the States.Format template has {pieces.Count - 1} {{}} placeholder(s) "
                    + $"but {call.Arguments.Count - 1} value(s) follow it");
            }

            return call;
        }

        private IntrinsicArgument ReadArgument()
        {
            SkipSpaces();
            if (AtEnd) throw Problem("expected an argument");
            if (Current == '\'') return ReadString();
            if (Current == '$') return ReadPath();
            if (string.CompareOrdinal(text, _position, Prefix, 0, Prefix.Length) == 0) return ReadCall();
            foreach (var (word, value) in (ReadOnlySpan<(string, JsonNode?)>)[("true", JsonValue.Create(true)),
                         ("false", JsonValue.Create(false)), ("null", null)])
            {
                if (string.CompareOrdinal(text, _position, word, 0, word.Length) == 0)
                {
                    _position += word.Length;
                    return new LiteralArgument(value);
                }
            }

            return ReadNumber();
        }

        private LiteralArgument ReadString()
        {
            var value = new StringBuilder();
            var pieces = new List<string>();
            var piece = new StringBuilder();
            for (_position++; !AtEnd; _position++)
            {
                var c = Current;
                if (c == '\\')
                {
                    if (_position + 1 >= text.Length || text[_position + 1] is not ('\'' or '{' or '}' or '\\'))
                    {
                        throw Problem("a backslash in a string literal must escape ', {, } or \\");
                    }

                    c = text[++_position];
                    value.Append(c);
                    piece.Append(c);
                }
                else if (c == '\'')
                {
                    _position++;
                    pieces.Add(piece.ToString());
                    return new LiteralArgument(value.ToString(), pieces);
                }
                else if (c == '{' && _position + 1 < text.Length && text[_position + 1] == '}')
                {
                    _position++;
                    value.Append("{}");
                    pieces.Add(piece.ToString());
                    piece.Clear();
                }
                else
                {
                    value.Append(c);
                    piece.Append(c);
                }
            }

            throw Problem("a string literal has no closing quote");
        }

        // A path runs to the next "," or ")" outside brackets and quotes, so filters such as [?(@.a > 1)] stay whole.
        private PathArgument ReadPath()
        {
            var start = _position;
            var depth = 0;
            char? quote = null;
            for (; !AtEnd; _position++)
            {
                var c = Current;
                if (quote is not null)
                {
                    if (c == '\\') _position++;
                    else if (c == quote) quote = null;
                }
                else if (c is '\'' or '"') quote = c;
                else if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (depth == 0 && (c is ',' or ')' || char.IsWhiteSpace(c))) break;
            }

            var pathText = text[start.._position];
            return ReferencePath.TryParsePath(pathText, out var path, out var problem)
                ? new PathArgument(path)
                : throw new FormatException($"the argument \"{pathText}\" is not a valid path: {problem}");
        }

        private LiteralArgument ReadNumber()
        {
            var start = _position;
            while (!AtEnd && (char.IsAsciiDigit(Current) || Current is '-' or '+' or '.' or 'e' or 'E')) _position++;
            var number = text[start.._position];
            if (number.Length == 0) throw Problem("expected a string in single quotes, a number, true, false, null, a path or States.*");
            return decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? new LiteralArgument(JsonValue.Create(value))
                : throw Problem($"\"{number}\" is not a number");
        }

        private void Expect(char c, string problem)
        {
            if (AtEnd || Current != c) throw Problem(problem);
            _position++;
        }
    }
}
