import Diagnostics

/// A parsed expression with the exact source range of every sub-expression.
public struct Expression: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        case literal(Literal)
        /// A dotted path such as `event.user_id`, `geocode.country`, `env.CRM_TOKEN`.
        case path(Path)
        case list([Expression])
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `value in [..]` / `value not in [..]`.
        case membership(negated: Bool, Expression, Expression)
        case call(name: Name, arguments: [Expression])
        /// A string with `{expr}` holes: literal text and expressions alternate.
        case interpolation([InterpolationSegment])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// Every path the expression mentions, in source order.
    public var paths: [Path] {
        var result: [Path] = []
        forEachPath { result.append($0) }
        return result
    }

    /// Calls `body` for every path the expression mentions, in source order, without
    /// allocating (the checker walks every expression of every agent this way).
    /// Recursion depth is bounded by ``ExpressionParser/maximumDepth``.
    public func forEachPath(_ body: (Path) -> Void) {
        switch kind {
        case .literal: break
        case .path(let path): body(path)
        case .list(let items): for item in items { item.forEachPath(body) }
        case .unary(_, let operand): operand.forEachPath(body)
        case .binary(_, let lhs, let rhs), .membership(_, let lhs, let rhs):
            lhs.forEachPath(body)
            rhs.forEachPath(body)
        case .call(_, let arguments): for argument in arguments { argument.forEachPath(body) }
        case .interpolation(let segments):
            for case .expression(let inner) in segments { inner.forEachPath(body) }
        }
    }
}

/// A name with its source range.
public struct Name: Hashable, Sendable {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, range: SourceRange) {
        self.text = text
        self.range = range
    }
}

/// A dotted reference: a root (`event`, `env`, `input` or an agent name) and fields.
public struct Path: Hashable, Sendable, CustomStringConvertible {
    public var root: Name
    public var fields: [Name]
    public var range: SourceRange

    public init(root: Name, fields: [Name], range: SourceRange) {
        self.root = root
        self.fields = fields
        self.range = range
    }

    public var description: String { ([root.text] + fields.map(\.text)).joined(separator: ".") }
}

/// A constant written in an expression.
public enum Literal: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case null
    case duration(PipelineDuration)
}

/// Part of an interpolated string.
public enum InterpolationSegment: Hashable, Sendable {
    case text(String)
    case expression(Expression)
}

public enum UnaryOperator: String, Hashable, Sendable {
    case not = "!"
    case negate = "-"
}

public enum BinaryOperator: String, Hashable, Sendable {
    case coalesce = "??"
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"

    /// The operator spelled `rawValue`. Written by hand: the parser asks this for every
    /// symbol at every precedence level, and the synthesized version compares the text
    /// against each case's spelling in turn.
    public init?(rawValue: String) {
        var bytes = rawValue.utf8.makeIterator()
        guard let first = bytes.next() else { return nil }
        let second = bytes.next()
        guard bytes.next() == nil else { return nil }
        switch (first, second) {
        case (UInt8(ascii: "?"), UInt8(ascii: "?")?): self = .coalesce
        case (UInt8(ascii: "|"), UInt8(ascii: "|")?): self = .or
        case (UInt8(ascii: "&"), UInt8(ascii: "&")?): self = .and
        case (UInt8(ascii: "="), UInt8(ascii: "=")?): self = .equal
        case (UInt8(ascii: "!"), UInt8(ascii: "=")?): self = .notEqual
        case (UInt8(ascii: "<"), nil): self = .less
        case (UInt8(ascii: "<"), UInt8(ascii: "=")?): self = .lessOrEqual
        case (UInt8(ascii: ">"), nil): self = .greater
        case (UInt8(ascii: ">"), UInt8(ascii: "=")?): self = .greaterOrEqual
        case (UInt8(ascii: "+"), nil): self = .add
        case (UInt8(ascii: "-"), nil): self = .subtract
        case (UInt8(ascii: "*"), nil): self = .multiply
        case (UInt8(ascii: "/"), nil): self = .divide
        case (UInt8(ascii: "%"), nil): self = .remainder
        default: return nil
        }
    }
}
