import Foundation

/// Settings of a `StateStore`. The defaults suit the runtime; tests and tools may tighten them.
public struct StateStoreOptions: Sendable, Equatable {
    /// How long a write waits for another connection (another process on the same file)
    /// to release its lock before failing with a busy error.
    public var busyTimeout: TimeInterval = 5

    /// Upper bound on the number of result-cache rows, across all agents. When set, each time
    /// another `bound / 10` rows have been stored the store evicts the rows stored longest ago
    /// down to the bound, in the same transaction; between two checks the table may exceed the
    /// bound by those 10% (plus one batch). `nil` (the default) keeps every row until
    /// `pruneCache(olderThan:)` or `trimCache(toAtMost:)`.
    public var cacheMaxEntries: Int?

    /// Creates the parent directory of the database file when it is missing. Off by default:
    /// a typo in a state path is then reported instead of silently creating directories.
    public var createParentDirectory = false

    /// Durability of commits. `.normal` (SQLite `synchronous=NORMAL` in WAL mode) survives a
    /// crash or SIGKILL of the process with every committed transaction intact; after a power
    /// loss or OS crash the last transactions may be rolled back, never half-applied.
    /// `.full` also survives power loss, at the cost of an fsync per commit.
    public var durability: Durability = .normal

    public enum Durability: String, Sendable, Equatable {
        case normal
        case full
    }

    public init(busyTimeout: TimeInterval = 5, cacheMaxEntries: Int? = nil, createParentDirectory: Bool = false, durability: Durability = .normal) {
        self.busyTimeout = busyTimeout
        self.cacheMaxEntries = cacheMaxEntries
        self.createParentDirectory = createParentDirectory
        self.durability = durability
    }
}
