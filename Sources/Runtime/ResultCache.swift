import EventJSON
import Synchronization

/// Where cached results survive the process: the SQLite state file in production.
public protocol CachePersistence: Sendable {
    /// The stored entry for `key`, fresh or stale, if any.
    func loadCached(agent: String, key: String) -> CachedValue?
    /// Remembers a new result; implementations may write it later in a batch.
    func recordCached(agent: String, key: String, value: CachedValue)
}

/// A cached agent result with the moment it stops being fresh.
public struct CachedValue: Sendable, Equatable {
    public var value: JSONValue
    public var storedAtMicroseconds: Int64
    public var expiresAtMicroseconds: Int64

    public init(value: JSONValue, storedAtMicroseconds: Int64, expiresAtMicroseconds: Int64) {
        self.value = value
        self.storedAtMicroseconds = storedAtMicroseconds
        self.expiresAtMicroseconds = expiresAtMicroseconds
    }
}

/// One agent's result cache: fresh hits within the TTL, stale values kept for `fallback: cache`.
///
/// An in-memory map in front of the persistent store keeps lookups off SQLite on the
/// hot path; entries missing from memory are loaded from the store once.
final class ResultCache: Sendable {
    let agent: String
    let ttlMicroseconds: Int64
    private let persistence: (any CachePersistence)?
    private let entries = Mutex<[String: CachedValue]>([:])
    /// Keys already looked up in the store and absent there, so misses stay cheap.
    private let knownAbsent = Mutex<Set<String>>([])

    init(agent: String, ttlMicroseconds: Int64, persistence: (any CachePersistence)?) {
        self.agent = agent
        self.ttlMicroseconds = ttlMicroseconds
        self.persistence = persistence
    }

    /// The cached value for `key`, fresh or not.
    func lookup(_ key: String) -> CachedValue? {
        if let hit = entries.withLock({ $0[key] }) { return hit }
        guard let persistence, !knownAbsent.withLock({ $0.contains(key) }) else { return nil }
        if let loaded = persistence.loadCached(agent: agent, key: key) {
            entries.withLock { $0[key] = loaded }
            return loaded
        }
        knownAbsent.withLock { _ = $0.insert(key) }
        return nil
    }

    func store(_ key: String, value: JSONValue, now: Int64) {
        let entry = CachedValue(value: value, storedAtMicroseconds: now, expiresAtMicroseconds: now + ttlMicroseconds)
        entries.withLock { $0[key] = entry }
        knownAbsent.withLock { _ = $0.remove(key) }
        persistence?.recordCached(agent: agent, key: key, value: entry)
    }
}
