using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The steps of a JSONPath after its <c>$</c> or <c>$$</c>, in the subset Step Functions accepts where a Path (not a
/// Reference Path) is allowed: <c>.name</c>, <c>['name']</c>, <c>[index]</c> (negative counts from the end),
/// wildcards <c>.*</c> and <c>[*]</c>, unions <c>[0,2]</c> and <c>['a','b']</c>, slices <c>[start:end:step]</c>,
/// filters <c>[?(@.price &gt; 10)]</c> and recursive descent <c>..</c>. As in Jayway JsonPath, which Step Functions
/// uses, a path with any of the last five is indefinite: it selects a list, possibly empty.
/// </summary>
internal sealed class JsonPathQuery
{
    private readonly IReadOnlyList<Segment> _segments;

    private JsonPathQuery(IReadOnlyList<Segment> segments)
    {
        _segments = segments;
        IsDefinite = segments.All(segment => segment.IsDefinite);
    }

    /// <summary>Whether the path can select at most one node, so its result is that node rather than a list.</summary>
    public bool IsDefinite { get; }

    public static bool TryParse(string text, int position, out JsonPathQuery? query, out string? problem)
    {
        var reader = new Reader(text, position);
        var segments = new List<Segment>();
        try
        {
            while (!reader.AtEnd) segments.Add(reader.ReadSegment());
        }
        catch (FormatException failure)
        {
            query = null;
            problem = failure.Message;
            return false;
        }

        query = new JsonPathQuery(segments);
        problem = null;
        return true;
    }

    /// <summary>Every node the path selects from <paramref name="root"/>, in document order; the nodes are not copied.</summary>
    public IReadOnlyList<JsonNode?> Select(JsonNode? root)
    {
        IReadOnlyList<JsonNode?> current = [root];
        foreach (var segment in _segments)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current) segment.Select(node, root, next);
            current = next;
        }

        return current;
    }

    private abstract record Segment(bool IsDefinite)
    {
        public abstract void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected);
    }

    private sealed record MemberSegment(IReadOnlyList<string> Names) : Segment(Names.Count == 1)
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected)
        {
            if (node is not JsonObject container) return;
            foreach (var name in Names)
            {
                if (container.TryGetPropertyValue(name, out var value)) selected.Add(value);
            }
        }
    }

    private sealed record IndexSegment(IReadOnlyList<int> Indexes) : Segment(Indexes.Count == 1)
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected)
        {
            if (node is not JsonArray array) return;
            foreach (var index in Indexes)
            {
                var actual = index < 0 ? array.Count + index : index;
                if (actual >= 0 && actual < array.Count) selected.Add(array[actual]);
            }
        }
    }

    private sealed record WildcardSegment() : Segment(IsDefinite: false)
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected)
        {
            switch (node)
            {
                case JsonObject container:
                    selected.AddRange(container.Select(property => property.Value));
                    break;
                case JsonArray array:
                    selected.AddRange(array);
                    break;
            }
        }
    }

    private sealed record SliceSegment(int? Start, int? End, int Step) : Segment(IsDefinite: false)
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected)
        {
            if (node is not JsonArray array) return;
            var count = array.Count;
            if (Step > 0)
            {
                var from = Clamp(Start ?? 0, count);
                var to = Clamp(End ?? count, count);
                for (var i = from; i < to; i += Step) selected.Add(array[i]);
            }
            else
            {
                var from = Start is { } start ? Math.Min(Normalise(start, count), count - 1) : count - 1;
                var to = End is { } end ? Math.Max(Normalise(end, count), -1) : -1;
                for (var i = from; i > to; i += Step) selected.Add(array[i]);
            }
        }

        private static int Normalise(int index, int count) => index < 0 ? count + index : index;

        private static int Clamp(int index, int count) => Math.Clamp(Normalise(index, count), 0, count);
    }

    private sealed record FilterSegment(FilterExpression Filter) : Segment(IsDefinite: false)
    {
        // Jayway applies a filter to each element of an array, and to an object as a whole.
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected)
        {
            switch (node)
            {
                case JsonArray array:
                    selected.AddRange(array.Where(item => Filter.Matches(item, root)));
                    break;
                case JsonObject when Filter.Matches(node, root):
                    selected.Add(node);
                    break;
            }
        }
    }

    private sealed record RecursiveSegment(Segment Inner) : Segment(IsDefinite: false)
    {
        public override void Select(JsonNode? node, JsonNode? root, List<JsonNode?> selected)
        {
            Inner.Select(node, root, selected);
            IEnumerable<JsonNode?> children = node switch
            {
                JsonObject container => container.Select(property => property.Value),
                JsonArray array => array,
                _ => [],
            };
            foreach (var child in children) Select(child, root, selected);
        }
    }

    private abstract record FilterExpression
    {
        public abstract bool Matches(JsonNode? current, JsonNode? root);
    }

    private sealed record AndFilter(FilterExpression Left, FilterExpression Right) : FilterExpression
    {
        public override bool Matches(JsonNode? current, JsonNode? root) => Left.Matches(current, root) && Right.Matches(current, root);
    }

    private sealed record OrFilter(FilterExpression Left, FilterExpression Right) : FilterExpression
    {
        public override bool Matches(JsonNode? current, JsonNode? root) => Left.Matches(current, root) || Right.Matches(current, root);
    }

    private sealed record NotFilter(FilterExpression Inner) : FilterExpression
    {
        public override bool Matches(JsonNode? current, JsonNode? root) => !Inner.Matches(current, root);
    }

    private sealed record ExistsFilter(Operand Operand) : FilterExpression
    {
        public override bool Matches(JsonNode? current, JsonNode? root) => Operand.TryGet(current, root, out _);
    }

    private sealed record ComparisonFilter(Operand Left, string Operator, Operand Right) : FilterExpression
    {
        public override bool Matches(JsonNode? current, JsonNode? root)
        {
            if (!Left.TryGet(current, root, out var left) || !Right.TryGet(current, root, out var right)) return false;
            return Operator switch
            {
                "==" => JsonValues.AreEqual(left, right),
                "!=" => !JsonValues.AreEqual(left, right),
                _ => JsonValues.TryCompare(left, right, out var order) && Operator switch
                {
                    "<" => order < 0,
                    "<=" => order <= 0,
                    ">" => order > 0,
                    _ => order >= 0,
                },
            };
        }
    }

    private abstract record Operand
    {
        public abstract bool TryGet(JsonNode? current, JsonNode? root, out JsonNode? value);
    }

    private sealed record LiteralOperand(JsonNode? Value) : Operand
    {
        public override bool TryGet(JsonNode? current, JsonNode? root, out JsonNode? value)
        {
            value = Value;
            return true;
        }
    }

    /// <summary><c>@...</c> (the node being filtered) or <c>$...</c> (the document); only a definite path can be compared.</summary>
    private sealed record PathOperand(bool FromCurrent, JsonPathQuery Path) : Operand
    {
        public override bool TryGet(JsonNode? current, JsonNode? root, out JsonNode? value)
        {
            var matches = Path.Select(FromCurrent ? current : root);
            value = matches.Count == 1 ? matches[0] : null;
            return matches.Count == 1;
        }
    }

    private sealed class Reader(string text, int position)
    {
        /// <summary>How deep filters, parentheses and negations may nest; deeper is refused rather than exhausting the stack.</summary>
        private const int MaxNesting = 16;

        private int _position = position;

        private int _nesting;

        public bool AtEnd => _position >= text.Length;

        private char Current => text[_position];

        public Segment ReadSegment()
        {
            if (Current == '[') return ReadBracket();
            if (Current != '.') throw Problem("expected \".\" or \"[\"");
            _position++;
            if (!AtEnd && Current == '.')
            {
                _position++;
                if (AtEnd) throw Problem("\"..\" must be followed by a name, \"*\" or a bracket");
                return new RecursiveSegment(Current == '[' ? ReadBracket() : ReadDotted());
            }

            return ReadDotted();
        }

        /// <summary>Reads the step after <c>.</c> or <c>..</c>: a name or <c>*</c>.</summary>
        private Segment ReadDotted()
        {
            if (!AtEnd && Current == '*')
            {
                _position++;
                return new WildcardSegment();
            }

            var start = _position;
            while (!AtEnd && IsMemberCharacter(Current)) _position++;
            if (_position == start) throw Problem("expected a name");
            return new MemberSegment([text[start.._position]]);
        }

        private Segment ReadBracket()
        {
            _position++;
            SkipSpaces();
            if (AtEnd) throw Problem("unterminated \"[\"");
            Segment segment = Current switch
            {
                '*' => ReadWildcardBracket(),
                '?' => ReadFilter(),
                '\'' or '"' => ReadNames(),
                _ => ReadIndexesOrSlice(),
            };
            SkipSpaces();
            Expect(']');
            return segment;
        }

        private WildcardSegment ReadWildcardBracket()
        {
            _position++;
            return new WildcardSegment();
        }

        private MemberSegment ReadNames()
        {
            var names = new List<string> { ReadQuoted() };
            while (TryConsumeAfterSpaces(',')) names.Add(ReadQuoted());
            return new MemberSegment(names);
        }

        private Segment ReadIndexesOrSlice()
        {
            var first = TryReadInteger();
            SkipSpaces();
            if (!AtEnd && Current == ':')
            {
                _position++;
                var end = TryReadInteger();
                var step = TryConsumeAfterSpaces(':') ? TryReadInteger() : null;
                if (step == 0) throw Problem("a slice step cannot be 0");
                return new SliceSegment(first, end, step ?? 1);
            }

            var indexes = new List<int> { first ?? throw Problem("expected an index, a slice, '*', a quoted name or a filter") };
            while (TryConsumeAfterSpaces(',')) indexes.Add(TryReadInteger() ?? throw Problem("expected an index"));
            return new IndexSegment(indexes);
        }

        private FilterSegment ReadFilter()
        {
            _position++;
            SkipSpaces();
            Expect('(');
            var filter = Nested(ReadOr);
            SkipSpaces();
            Expect(')');
            return new FilterSegment(filter);
        }

        private FilterExpression ReadOr()
        {
            var left = ReadAnd();
            while (TryConsumeAfterSpaces("||")) left = new OrFilter(left, ReadAnd());
            return left;
        }

        private FilterExpression ReadAnd()
        {
            var left = ReadUnary();
            while (TryConsumeAfterSpaces("&&")) left = new AndFilter(left, ReadUnary());
            return left;
        }

        private FilterExpression ReadUnary()
        {
            SkipSpaces();
            if (TryConsume("!")) return new NotFilter(Nested(ReadUnary));
            if (TryConsume("("))
            {
                var inner = Nested(ReadOr);
                SkipSpaces();
                Expect(')');
                return inner;
            }

            var left = ReadOperand();
            SkipSpaces();
            foreach (var candidate in (string[])["==", "!=", "<=", ">=", "<", ">"])
            {
                if (TryConsume(candidate)) return new ComparisonFilter(left, candidate, ReadOperand());
            }

            return left is PathOperand ? new ExistsFilter(left) : throw Problem("a filter needs a comparison or an @ path");
        }

        private T Nested<T>(Func<T> read)
        {
            if (++_nesting > MaxNesting) throw Problem($"filters nest more than {MaxNesting} deep");
            var result = read();
            _nesting--;
            return result;
        }

        private Operand ReadOperand()
        {
            SkipSpaces();
            if (AtEnd) throw Problem("expected a value in the filter");
            switch (Current)
            {
                case '@' or '$':
                    var fromCurrent = Current == '@';
                    _position++;
                    var segments = new List<Segment>();
                    while (!AtEnd && Current is '.' or '[') segments.Add(ReadSegment());
                    return new PathOperand(fromCurrent, new JsonPathQuery(segments));
                case '\'' or '"':
                    return new LiteralOperand(JsonValue.Create(ReadQuoted()));
            }

            foreach (var (word, value) in (ReadOnlySpan<(string, JsonNode?)>)[("true", JsonValue.Create(true)),
                         ("false", JsonValue.Create(false)), ("null", null)])
            {
                if (TryConsume(word)) return new LiteralOperand(value);
            }

            var start = _position;
            while (!AtEnd && (char.IsAsciiDigit(Current) || Current is '-' or '+' or '.' or 'e' or 'E')) _position++;
            return decimal.TryParse(text.AsSpan(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? new LiteralOperand(JsonValue.Create(number))
                : throw Problem("expected a number, a quoted string, true, false, null or a path");
        }

        private string ReadQuoted()
        {
            SkipSpaces();
            if (AtEnd || Current is not ('\'' or '"')) throw Problem("expected a quoted name");
            var quote = Current;
            var value = new StringBuilder();
            for (_position++; !AtEnd; _position++)
            {
                if (Current == '\\' && _position + 1 < text.Length)
                {
                    value.Append(text[++_position]);
                }
                else if (Current == quote)
                {
                    _position++;
                    return value.ToString();
                }
                else
                {
                    value.Append(Current);
                }
            }

            throw Problem("unterminated quoted name");
        }

        private int? TryReadInteger()
        {
            SkipSpaces();
            var start = _position;
            if (!AtEnd && Current == '-') _position++;
            while (!AtEnd && char.IsAsciiDigit(Current)) _position++;
            if (_position == start) return null;
            var digits = text.AsSpan(start, _position - start);
            return int.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                ? integer
                : throw Problem("expected an integer");
        }

        private bool TryConsumeAfterSpaces(char c)
        {
            SkipSpaces();
            return TryConsume(c.ToString());
        }

        private bool TryConsumeAfterSpaces(string token)
        {
            SkipSpaces();
            return TryConsume(token);
        }

        private bool TryConsume(string token)
        {
            if (string.CompareOrdinal(text, _position, token, 0, token.Length) != 0) return false;
            _position += token.Length;
            return true;
        }

        private void Expect(char c)
        {
            if (AtEnd || Current != c) throw Problem($"expected \"{c}\"");
            _position++;
        }

        private void SkipSpaces()
        {
            while (!AtEnd && Current == ' ') _position++;
        }

        private FormatException Problem(string what) => new($"{what} at character {Math.Min(_position, text.Length) + 1}");

        // Characters with a JSONPath meaning end a dot-notation name; a name needing them must use bracket notation.
        private static bool IsMemberCharacter(char c) =>
            !char.IsWhiteSpace(c)
            && c is not ('.' or '[' or ']' or '*' or '?' or '@' or '(' or ')' or ',' or ':' or '\'' or '"' or '$' or '=' or '<' or '>'
                or '!' or '&' or '|');
    }
}
