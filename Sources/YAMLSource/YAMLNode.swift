import Diagnostics

/// One node of a YAML document, located in its source file.
///
/// Aliases are already expanded (their content is the anchored node's, their range the
/// alias's own), and merge keys (`<<`) already applied, so later stages never see them.
public struct YAMLNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var range: SourceRange
    /// The explicit tag, if the source wrote one (`!!str`); nil for the default.
    public var tag: String?

    public init(content: Content, range: SourceRange, tag: String? = nil) {
        self.content = content
        self.range = range
        self.tag = tag
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The items, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The key/value pairs in source order, if this node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// A word for the node's kind, as used in "expected a mapping, found a sequence".
    public var kindDescription: String {
        switch content {
        case .scalar(let scalar): scalar.isNull ? "null" : "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }
}

/// A key and its value in a YAML mapping.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }

    /// The key's text when the key is a scalar (keys are always scalars once parsed).
    public var keyText: String { key.scalar?.value ?? "" }
}

/// A scalar's text and how it was written.
public struct YAMLScalar: Sendable, Hashable {
    /// How the scalar was written; quoting decides whether `true` is a string or a bool.
    public enum Style: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style

    public init(value: String, style: Style) {
        self.value = value
        self.style = style
    }

    /// True for a plain `null`, `~` or empty scalar.
    public var isNull: Bool {
        style == .plain && (value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL")
    }

    /// True when the scalar was written with quotes (so it is always a string).
    public var isQuoted: Bool { style == .singleQuoted || style == .doubleQuoted }
}
