import Diagnostics
import PipelineSyntax
import Testing

@Suite("Expression parser")
struct ExpressionParserTests {
    /// Parses `text` as a whole file so ranges are offsets into `text`.
    func parse(_ text: String) -> (Expression?, [Diagnostic]) {
        let file = SourceFile(path: "expr", text: text)
        var diagnostics = DiagnosticCollector()
        let expression = ExpressionParser.parse(ExpressionSource(text: text, file: file), diagnostics: &diagnostics)
        return (expression, diagnostics.sorted)
    }

    /// A fully parenthesised rendering that makes precedence visible.
    func shape(_ expression: Expression) -> String {
        switch expression.kind {
        case .literal(let literal):
            switch literal {
            case .string(let s): "'\(s)'"
            case .int(let i): "\(i)"
            case .float(let f): "\(f)"
            case .bool(let b): "\(b)"
            case .null: "null"
            case .duration(let d): d.description
            }
        case .path(let path): path.description
        case .list(let items): "[" + items.map(shape).joined(separator: ", ") + "]"
        case .unary(let op, let operand): "(\(op.rawValue)\(shape(operand)))"
        case .binary(let op, let lhs, let rhs): "(\(shape(lhs)) \(op.rawValue) \(shape(rhs)))"
        case .membership(let negated, let lhs, let rhs): "(\(shape(lhs)) \(negated ? "not in" : "in") \(shape(rhs)))"
        case .call(let name, let arguments): "\(name.text)(" + arguments.map(shape).joined(separator: ", ") + ")"
        case .interpolation(let segments):
            segments.map { segment in
                switch segment {
                case .text(let text): text
                case .expression(let inner): "{\(shape(inner))}"
                }
            }.joined()
        }
    }

    @Test(arguments: [
        ("a.x ?? b.y ?? 'z'", "(a.x ?? (b.y ?? 'z'))"),
        ("a || b && c", "(a || (b && c))"),
        ("event.type == 'review' || event.type == 'ticket'", "((event.type == 'review') || (event.type == 'ticket'))"),
        ("1 + 2 * 3 - 4", "((1 + (2 * 3)) - 4)"),
        ("!a && -b < 3", "((!a) && ((-b) < 3))"),
        ("event.country in ['FR', 'DE'] && x", "((event.country in ['FR', 'DE']) && x)"),
        ("event.country not in ['FR']", "(event.country not in ['FR'])"),
        ("lower(trim(event.email))", "lower(trim(event.email))"),
        ("concat(a.b, \"-\", 250ms)", "concat(a.b, '-', 250ms)"),
        ("(a ?? 1) + 2", "((a ?? 1) + 2)"),
        ("geocode.country ?? null", "(geocode.country ?? null)"),
        ("1_000 + 2.5e3", "(1000 + 2500.0)"),
    ])
    func precedenceAndAssociativity(text: String, expected: String) throws {
        let (expression, diagnostics) = parse(text)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(try shape(#require(expression)) == expected)
    }

    @Test func rangesAreExactForEverySubexpression() throws {
        let text = "lower(event.email) == 'a@b.c'"
        let (expression, _) = parse(text)
        guard case .binary(.equal, let lhs, let rhs) = try #require(expression).kind else {
            Issue.record("expected ==")
            return
        }
        #expect(lhs.range.start.offset == 0 && lhs.range.end.offset == 18)
        #expect(rhs.range.start.offset == 22 && rhs.range.end.offset == 29)
        guard case .call(let name, let arguments) = lhs.kind else { return }
        #expect(name.range.start.column == 1 && name.range.end.column == 6)
        guard case .path(let path) = arguments[0].kind else { return }
        #expect(path.fields[0].range.start.offset == 12)
        #expect(path.fields[0].range.end.offset == 17)
    }

    @Test(arguments: [
        ("event.a ==", "expected a value, but the expression ends here", 10),
        ("event.a = 'x'", "`=` is not an operator here; compare with `==`", 8),
        ("a < b < c", "comparisons cannot be chained; combine them with `&&`", 6),
        ("'open", "unterminated string: add the closing '", 0),
        ("lower(a", "expected `,` or `)` in the call to `lower`, found the end of the expression", 7),
        ("event.", "expected a field name after `.`, found the end of the expression", 6),
        ("a b", "unexpected `b` after the end of the expression", 2),
        ("2 seconds", "unexpected `seconds` after the end of the expression", 2),
        ("5xs", "`5xs` is neither a number nor a duration (units: us, ms, s, m, h)", 0),
        ("a & b", "`&` is not an operator; use `&&` for \"and\"", 2),
    ])
    func syntaxErrorsPointAtTheProblem(text: String, message: String, offset: Int) {
        let (expression, diagnostics) = parse(text)
        #expect(expression == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.code == .expressionSyntax)
        #expect(diagnostics.first?.message == message)
        #expect(diagnostics.first?.range.start.offset == offset)
    }

    @Test func emptyExpressionIsAnError() {
        let (expression, diagnostics) = parse("")
        #expect(expression == nil)
        #expect(diagnostics.first?.code == .expressionSyntax)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let (expression, diagnostics) = parse(text)
        #expect(expression == nil)
        #expect(diagnostics.first?.message.contains("nests more than") == true)
        let negations = String(repeating: "!", count: 10_000) + "a"
        #expect(parse(negations).1.first?.message.contains("nests more than") == true)
    }

    @Test func stringEscapesAreDecoded() throws {
        let (expression, _) = parse(#"'it\'s' + "tab\there\u{e9}""#)
        guard case .binary(.add, let lhs, let rhs) = try #require(expression).kind else { return }
        #expect(lhs.kind == .literal(.string("it's")))
        #expect(rhs.kind == .literal(.string("tab\there\u{e9}")))
    }

    @Test func interpolationSplitsTextAndExpressions() throws {
        let text = "https://crm.example/users/{event.user_id}?x={{literal}}"
        let file = SourceFile(path: "url", text: text)
        var diagnostics = DiagnosticCollector()
        let expression = try #require(ExpressionParser.parseInterpolation(ExpressionSource(text: text, file: file), diagnostics: &diagnostics))
        #expect(shape(expression) == "https://crm.example/users/{event.user_id}?x={literal}")
        #expect(expression.paths.first?.range.start.offset == 27)
    }

    @Test func unclosedInterpolationIsAnError() {
        let text = "https://x/{event.id"
        let file = SourceFile(path: "url", text: text)
        var diagnostics = DiagnosticCollector()
        #expect(ExpressionParser.parseInterpolation(ExpressionSource(text: text, file: file), diagnostics: &diagnostics) == nil)
        #expect(diagnostics.sorted.first?.range.start.offset == 10)
    }
}
