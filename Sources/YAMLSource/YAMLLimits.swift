/// Bounds that keep hostile or accidental inputs from exhausting time or memory.
///
/// Hitting any of them is an error with a position, never a crash or a hang. The
/// defaults fit pipelines of 50,000 agents with room to spare.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest file accepted, in bytes (checked before the file is read).
    public var maxFileBytes: Int
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// Most alias uses (`*name`) in one document.
    public var maxAliases: Int
    /// Most nodes after alias expansion (stops "billion laughs" documents).
    public var maxNodes: Int

    public init(maxFileBytes: Int = 32 << 20, maxDepth: Int = 256, maxAliases: Int = 10_000, maxNodes: Int = 4_000_000) {
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxAliases = maxAliases
        self.maxNodes = maxNodes
    }

    public static let `default` = YAMLLimits()
}
