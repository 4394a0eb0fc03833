import Diagnostics

/// Parses expressions and interpolated strings (grammar: `grammar/expressions.ebnf`).
///
/// Syntax errors become E020 diagnostics pointing at the offending token; the result
/// is then nil. Nesting deeper than ``maximumDepth`` is an error, not a stack overflow.
public struct ExpressionParser {
    public static let maximumDepth = 64

    private let source: ExpressionSource
    private let bytes: [UInt8]
    private let limit: Int
    private var lexer: ExpressionLexer
    private var token: Token
    private var depth = 0
    private var failure: Diagnostic?

    private init(source: ExpressionSource, start: Int, end: Int) {
        self.source = source
        self.bytes = source.bytes
        self.limit = end
        self.lexer = ExpressionLexer(bytes: source.bytes, start: start, end: end)
        self.token = Token(kind: .end, start: start, end: start)
        self.token = lexer.next()
    }

    /// Parses a whole expression.
    public static func parse(_ source: ExpressionSource, diagnostics: inout DiagnosticCollector) -> Expression? {
        parse(source, from: 0, to: source.bytes.count, diagnostics: &diagnostics)
    }

    static func parse(_ source: ExpressionSource, from start: Int, to end: Int, diagnostics: inout DiagnosticCollector) -> Expression? {
        var parser = ExpressionParser(source: source, start: start, end: end)
        if parser.token.kind == .end {
            diagnostics.emit(Diagnostic(.expressionSyntax, "expected an expression, found nothing", at: source.range(start, end)))
            return nil
        }
        let expression = parser.parseExpression()
        if parser.failure == nil, case .invalid(let reason) = parser.token.kind {
            parser.fail(reason)
        } else if parser.failure == nil, parser.token.kind != .end {
            parser.fail("unexpected \(parser.describe(parser.token)) after the end of the expression", help: parser.trailingHelp())
        }
        if let failure = parser.failure {
            diagnostics.emit(failure)
            return nil
        }
        return expression
    }

    /// Parses a string with `{expr}` holes; `{{` and `}}` stand for literal braces.
    public static func parseInterpolation(_ source: ExpressionSource, diagnostics: inout DiagnosticCollector) -> Expression? {
        let bytes = source.bytes
        var segments: [InterpolationSegment] = []
        var text: [UInt8] = []
        var index = 0
        var ok = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                text.append(byte)
                index += 2
                continue
            }
            if byte == UInt8(ascii: "}"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "}") {
                text.append(byte)
                index += 2
                continue
            }
            if byte == UInt8(ascii: "}") {
                diagnostics.emit(Diagnostic(.expressionSyntax, "unmatched `}` in interpolated string", at: source.range(index, index + 1), help: ["write `}}` for a literal brace"]))
                return nil
            }
            guard byte == UInt8(ascii: "{") else {
                text.append(byte)
                index += 1
                continue
            }
            guard let close = closingBrace(in: bytes, after: index) else {
                diagnostics.emit(Diagnostic(.expressionSyntax, "`{` opens an interpolation that is never closed", at: source.range(index, index + 1), help: ["close it with `}`, or write `{{` for a literal brace"]))
                return nil
            }
            if !text.isEmpty {
                segments.append(.text(String(decoding: text, as: UTF8.self)))
                text.removeAll()
            }
            if let inner = parse(source, from: index + 1, to: close, diagnostics: &diagnostics) {
                segments.append(.expression(inner))
            } else {
                ok = false
            }
            index = close + 1
        }
        if !text.isEmpty { segments.append(.text(String(decoding: text, as: UTF8.self))) }
        guard ok else { return nil }
        return Expression(.interpolation(segments), range: source.range(0, bytes.count))
    }

    /// The `}` closing the hole opened at `open`, skipping quoted strings inside it.
    private static func closingBrace(in bytes: [UInt8], after open: Int) -> Int? {
        var index = open + 1
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let active = quote {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == active { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "}") {
                return index
            }
            index += 1
        }
        return nil
    }

    // MARK: Grammar

    private mutating func parseExpression() -> Expression? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            fail("expression nests more than \(Self.maximumDepth) levels deep")
            return nil
        }
        return parseCoalesce()
    }

    private mutating func parseCoalesce() -> Expression? {
        guard let lhs = parseBinary(minimumLevel: 0) else { return nil }
        guard isSymbol(.coalesce) else { return lhs }
        advance()
        guard let rhs = parseExpression() else { return nil }
        return Expression(.binary(.coalesce, lhs, rhs), range: lhs.range.extended(to: rhs.range))
    }

    /// Binary operator levels, loosest first: `||` 0, `&&` 1, `==` `!=` 2, `<` `<=` `>`
    /// `>=` 3, `in` / `not in` 4, `+` `-` 5, `*` `/` `%` 6. All are left-associative;
    /// comparisons (2 and 3) do not chain, and `in` takes only `+`/`*`-level operands
    /// on either side (`a in b in c` stops at the second `in`).
    private static let membershipLevel = 4

    /// The binary operator of the current token and its level, if it is one.
    private func currentOperator() -> (BinaryOperator, level: Int)? {
        guard case .symbol(let symbol) = token.kind else { return nil }
        switch symbol {
        case .or: return (.or, 0)
        case .and: return (.and, 1)
        case .equal: return (.equal, 2)
        case .notEqual: return (.notEqual, 2)
        case .less: return (.less, 3)
        case .lessOrEqual: return (.lessOrEqual, 3)
        case .greater: return (.greater, 3)
        case .greaterOrEqual: return (.greaterOrEqual, 3)
        case .plus: return (.add, 5)
        case .minus: return (.subtract, 5)
        case .star: return (.multiply, 6)
        case .slash: return (.divide, 6)
        case .percent: return (.remainder, 6)
        default: return nil
        }
    }

    /// Operands joined by operators of level `minimumLevel` or tighter (precedence
    /// climbing: one call per operand instead of one per level per operand).
    private mutating func parseBinary(minimumLevel: Int) -> Expression? {
        guard var lhs = parseUnary() else { return nil }
        // The loosest operator joined into `lhs` so far (none yet: above every level).
        var joinedLevel = Int.max
        while true {
            if isKeyword("in") || isKeyword("not") {
                // `in` needs an operand of `+`/`*` operators only; otherwise it is left
                // for the caller (and, unclaimed, reported after the expression).
                guard minimumLevel <= Self.membershipLevel, joinedLevel > Self.membershipLevel else { break }
                var negated = false
                if isKeyword("not") {
                    negated = true
                    advance()
                    guard isKeyword("in") else {
                        fail("expected `in` after `not`")
                        return nil
                    }
                }
                advance()
                guard let rhs = parseBinary(minimumLevel: Self.membershipLevel + 1) else { return nil }
                lhs = Expression(.membership(negated: negated, lhs, rhs), range: lhs.range.extended(to: rhs.range))
                joinedLevel = Self.membershipLevel
                continue
            }
            guard let (op, level) = currentOperator(), level >= minimumLevel else { break }
            advance()
            guard let rhs = parseBinary(minimumLevel: level + 1) else { return nil }
            lhs = Expression(.binary(op, lhs, rhs), range: lhs.range.extended(to: rhs.range))
            joinedLevel = level
            if level == 2 || level == 3, let (_, nextLevel) = currentOperator(), nextLevel == level {
                fail("comparisons cannot be chained; combine them with `&&`")
                return nil
            }
        }
        return lhs
    }

    private mutating func parseUnary() -> Expression? {
        if isSymbol(.not) || isSymbol(.minus) {
            let op: UnaryOperator = isSymbol(.not) ? .not : .negate
            let start = token.start
            advance()
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maximumDepth else {
                fail("expression nests more than \(Self.maximumDepth) levels deep")
                return nil
            }
            guard let operand = parseUnary() else { return nil }
            return Expression(.unary(op, operand), range: source.range(start, start + 1).extended(to: operand.range))
        }
        return parsePrimary()
    }

    private mutating func parsePrimary() -> Expression? {
        let current = token
        let range = source.range(current.start, current.end)
        switch current.kind {
        case .int(let value):
            advance()
            return Expression(.literal(.int(value)), range: range)
        case .float(let value):
            advance()
            return Expression(.literal(.float(value)), range: range)
        case .duration(let value):
            advance()
            return Expression(.literal(.duration(value)), range: range)
        case .string(let value):
            advance()
            return Expression(.literal(.string(value)), range: range)
        case .identifier(let name):
            advance()
            switch name {
            case "true": return Expression(.literal(.bool(true)), range: range)
            case "false": return Expression(.literal(.bool(false)), range: range)
            case "null": return Expression(.literal(.null), range: range)
            case "in", "not":
                fail("`\(name)` needs a value on its left", at: current)
                return nil
            default: break
            }
            let head = Name(name, range: range)
            if isSymbol(.openParen) { return parseCall(head, start: current.start) }
            var fields: [Name] = []
            var end = current.end
            while isSymbol(.dot) {
                advance()
                guard case .identifier(let field) = token.kind else {
                    fail("expected a field name after `.`, found \(describe(token))")
                    return nil
                }
                fields.append(Name(field, range: source.range(token.start, token.end)))
                end = token.end
                advance()
            }
            let path = Path(root: head, fields: fields, range: source.range(current.start, end))
            return Expression(.path(path), range: path.range)
        case .symbol(.openParen):
            advance()
            guard let inner = parseExpression() else { return nil }
            guard isSymbol(.closeParen) else {
                fail("expected `)` to close the `(`, found \(describe(token))")
                return nil
            }
            let end = token.end
            advance()
            return Expression(inner.kind, range: source.range(current.start, end))
        case .symbol(.openBracket):
            advance()
            var items: [Expression] = []
            while !isSymbol(.closeBracket) {
                guard let item = parseExpression() else { return nil }
                items.append(item)
                if isSymbol(.comma) { advance() } else if !isSymbol(.closeBracket) {
                    fail("expected `,` or `]` in the list, found \(describe(token))")
                    return nil
                }
            }
            let end = token.end
            advance()
            return Expression(.list(items), range: source.range(current.start, end))
        case .invalid(let reason):
            fail(reason, at: current)
            return nil
        case .end:
            fail("expected a value, but the expression ends here", at: current)
            return nil
        case .symbol:
            fail("expected a value, found \(describe(current))", at: current)
            return nil
        }
    }

    private mutating func parseCall(_ name: Name, start: Int) -> Expression? {
        advance()  // (
        var arguments: [Expression] = []
        while !isSymbol(.closeParen) {
            guard let argument = parseExpression() else { return nil }
            arguments.append(argument)
            if isSymbol(.comma) { advance() } else if !isSymbol(.closeParen) {
                fail("expected `,` or `)` in the call to `\(name.text)`, found \(describe(token))")
                return nil
            }
        }
        let end = token.end
        advance()
        return Expression(.call(name: name, arguments: arguments), range: source.range(start, end))
    }

    // MARK: Tokens

    private mutating func advance() { token = lexer.next() }

    private func isSymbol(_ symbol: Symbol) -> Bool {
        if case .symbol(let current) = token.kind { return current == symbol }
        return false
    }
    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = token.kind { return name.utf8.count == word.utf8.count && name == word }
        return false
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: "the end of the expression"
        case .identifier(let name): "`\(name)`"
        case .symbol(let symbol): "`\(symbol.text)`"
        case .int, .float, .duration, .string: "`\(String(decoding: bytes[token.start..<min(token.end, bytes.count)], as: UTF8.self))`"
        case .invalid(let reason): reason
        }
    }

    private func trailingHelp() -> [String] {
        if case .identifier = token.kind {
            return ["to pass a literal string, quote it inside the YAML value: `'\"some text\"'`"]
        }
        return []
    }

    private mutating func fail(_ message: String, at failing: Token? = nil, help: [String] = []) {
        guard failure == nil else { return }
        let at = failing ?? token
        failure = Diagnostic(.expressionSyntax, message, at: source.range(at.start, max(at.end, at.start + (at.kind == .end ? 0 : 1))), help: help)
    }
}
