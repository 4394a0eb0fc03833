/// A set of agent indices stored as bits, for reachability over large plans.
struct AgentSet: Hashable, Sendable {
    private var words: [UInt64]

    init(capacity: Int) { words = [UInt64](repeating: 0, count: (capacity + 63) / 64) }

    func contains(_ index: Int) -> Bool { words[index / 64] & (1 << UInt64(index % 64)) != 0 }

    mutating func insert(_ index: Int) { words[index / 64] |= 1 << UInt64(index % 64) }

    mutating func formUnion(_ other: AgentSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }
}
