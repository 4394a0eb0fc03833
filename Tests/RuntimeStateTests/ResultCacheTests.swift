import Foundation
import Testing
@testable import RuntimeState

@Suite("Result cache")
struct ResultCacheTests {
    @Test("fresh before expiry, stale from the expiry instant on, both returned", arguments: Backend.allCases)
    func freshThenStale(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        try store.storeCache([CacheEntry(agent: "crm_lookup", key: "u1", value: #"{"segment":"gold"}"#, storedAt: t0, ttl: 300)])

        let fresh = try #require(store.lookupCache(agent: "crm_lookup", keys: ["u1"], now: t0.addingTimeInterval(299.999_999))["u1"])
        #expect(fresh.isFresh)
        #expect(fresh.value == #"{"segment":"gold"}"#)
        #expect(fresh.storedAt == t0)
        #expect(fresh.expiresAt == t0.addingTimeInterval(300))

        // Exactly at expiresAt the entry is stale (isFresh means now < expiresAt), and it is kept.
        let atExpiry = try #require(store.lookupCache(agent: "crm_lookup", keys: ["u1"], now: t0.addingTimeInterval(300))["u1"])
        #expect(!atExpiry.isFresh)
        let muchLater = try #require(store.lookupCache(agent: "crm_lookup", keys: ["u1"], now: t0.addingTimeInterval(86_400 * 30))["u1"])
        #expect(!muchLater.isFresh)
        #expect(muchLater.value == #"{"segment":"gold"}"#, "stale values stay available for fallback: cache")
        #expect(muchLater.isFresh(at: t0.addingTimeInterval(10)))
    }

    @Test("batch lookup returns found keys only, per agent", arguments: Backend.allCases)
    func batchLookup(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        try store.storeCache([
            CacheEntry(agent: "crm_lookup", key: "a", value: "1", storedAt: t0, ttl: 60),
            CacheEntry(agent: "crm_lookup", key: "b", value: "2", storedAt: t0, ttl: 60),
            CacheEntry(agent: "geocode", key: "a", value: #""FR""#, storedAt: t0, ttl: 60),
            CacheEntry(agent: "crm_lookup", key: "", value: "empty key", storedAt: t0, ttl: 60),
            CacheEntry(agent: "crm_lookup", key: "ü-ключ-🔑", value: #"{"k":"ü"}"#, storedAt: t0, ttl: 60),
        ])
        let found = try store.lookupCache(agent: "crm_lookup", keys: ["a", "missing", "b", "a", "", "ü-ключ-🔑"], now: t0)
        #expect(found.mapValues(\.value) == ["a": "1", "b": "2", "": "empty key", "ü-ключ-🔑": #"{"k":"ü"}"#])
        #expect(try store.lookupCache(agent: "geocode", keys: ["a", "b"], now: t0).mapValues(\.value) == ["a": #""FR""#])
        #expect(try store.lookupCache(agent: "nobody", keys: ["a"], now: t0).isEmpty)
        #expect(try store.lookupCache(agent: "crm_lookup", keys: [], now: t0).isEmpty)
    }

    @Test("storing again replaces value and times (upsert), also within one batch", arguments: Backend.allCases)
    func upsert(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        try store.storeCache([CacheEntry(agent: "crm", key: "u", value: "old", storedAt: t0, ttl: 10)])
        let later = t0.addingTimeInterval(100)
        try store.storeCache([
            CacheEntry(agent: "crm", key: "u", value: "newer", storedAt: later, ttl: 10),
            CacheEntry(agent: "crm", key: "u", value: "newest", storedAt: later, ttl: 50),
        ])
        let result = try #require(store.lookupCache(agent: "crm", keys: ["u"], now: later.addingTimeInterval(20))["u"])
        #expect(result.value == "newest")
        #expect(result.isFresh)
        #expect(result.storedAt == later)
        #expect(try store.statistics().cacheEntries == 1)
    }

    @Test("a batch larger than one multi-row statement is stored whole", arguments: Backend.allCases)
    func largeBatch(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        let keys = (0..<1_000).map { "k\($0)" }
        try store.storeCache(keys.map { CacheEntry(agent: "a", key: $0, value: "\"\($0)\"", storedAt: t0, ttl: 5) })
        let found = try store.lookupCache(agent: "a", keys: keys, now: t0)
        #expect(found.count == 1_000)
        #expect(found["k999"]?.value == "\"k999\"")
    }

    @Test("pruneCache removes rows stored before the cutoff and keeps the rest", arguments: Backend.allCases)
    func prune(backend: Backend) throws {
        let directory = try TemporaryDirectory()
        let store = try backend.open(in: directory)
        try store.storeCache([
            CacheEntry(agent: "crm", key: "old", value: "1", storedAt: t0, ttl: 60),
            CacheEntry(agent: "crm", key: "edge", value: "2", storedAt: t0.addingTimeInterval(3_600), ttl: 60),
            CacheEntry(agent: "crm", key: "new", value: "3", storedAt: t0.addingTimeInterval(7_200), ttl: 60),
        ])
        let removed = try store.pruneCache(olderThan: t0.addingTimeInterval(3_600))
        #expect(removed == 1)
        let left = try store.lookupCache(agent: "crm", keys: ["old", "edge", "new"], now: t0.addingTimeInterval(7_200))
        #expect(Set(left.keys) == ["edge", "new"])
    }

    @Test("the size bound evicts the rows stored longest ago")
    func sizeBound() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.path("bound.sqlite"), options: StateStoreOptions(cacheMaxEntries: 100))
        for batch in 0..<10 {
            let at = t0.addingTimeInterval(Double(batch))
            try store.storeCache((0..<50).map { CacheEntry(agent: "a", key: "b\(batch)-\($0)", value: "1", storedAt: at, ttl: 60) })
            // The bound is checked once 10 rows (bound / 10) were stored since the last check:
            // here after every batch, so the table is back to the bound after each store.
            #expect(try store.statistics().cacheEntries == min(100, 50 * (batch + 1)))
        }
        let survivors = try store.lookupCache(agent: "a", keys: (0..<50).map { "b9-\($0)" }, now: t0)
        #expect(survivors.count == 50, "the newest batch survives")
        #expect(try store.lookupCache(agent: "a", keys: ["b0-0"], now: t0).isEmpty, "the oldest batch is evicted")

        #expect(try store.trimCache(toAtMost: 10) == 90)
        #expect(try store.statistics().cacheEntries == 10)
    }

    @Test("an entry that expires before it is stored is refused and nothing of the batch is kept")
    func invalidEntry() throws {
        let directory = try TemporaryDirectory()
        let store = try StateStore(path: directory.path("bad.sqlite"))
        #expect(throws: StateStoreError.self) {
            try store.storeCache([
                CacheEntry(agent: "a", key: "ok", value: "1", storedAt: t0, ttl: 5),
                CacheEntry(agent: "a", key: "bad", value: "1", storedAt: t0, ttl: -5),
            ])
        }
        #expect(try store.statistics().cacheEntries == 0)
        // The store stays usable after the failed statement.
        try store.storeCache([CacheEntry(agent: "a", key: "ok", value: "1", storedAt: t0, ttl: 5)])
        #expect(try store.statistics().cacheEntries == 1)
    }
}

@Suite("Extreme times")
struct ExtremeTimeTests {
    @Test("an infinite TTL never goes stale, and no date or window traps")
    func extremes() throws {
        let store = try StateStore(path: ":memory:")
        try store.storeCache([
            CacheEntry(agent: "a", key: "forever", value: "1", storedAt: t0, ttl: .infinity),
            CacheEntry(agent: "a", key: "far", value: "2", storedAt: t0, expiresAt: .distantFuture),
            CacheEntry(agent: "a", key: "past", value: "3", storedAt: .distantPast, expiresAt: .distantPast),
        ])
        let found = try store.lookupCache(agent: "a", keys: ["forever", "far", "past"], now: Date.distantFuture.addingTimeInterval(-1))
        #expect(found["forever"]?.isFresh == true)
        #expect(found["far"]?.isFresh == true, "one second before distantFuture")
        #expect(found["past"]?.isFresh == false)
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: 1e300, now: .distantPast) == [false])
        #expect(try store.checkAndRecordDedup(keys: ["k"], window: 1e300, now: .distantFuture) == [true])
        #expect(try store.pruneCache(olderThan: .distantFuture) == 3)
    }
}
