import Foundation
import GRDB

/// The runtime's durable state on SQLite: the per-agent result cache, the dedup window, the
/// audit trail and the input checkpoints, in one database file.
///
/// A file store uses a GRDB `DatabasePool`: WAL journal, `synchronous=NORMAL` (or FULL, see
/// `StateStoreOptions.durability`), one serialized writer and concurrent readers, a busy
/// timeout for other processes on the same file. `":memory:"` gives a private in-memory
/// database (a `DatabaseQueue`) for tests and for runs that need no persistence.
///
/// Every method is synchronous, thread-safe and may block on I/O: call it from a worker
/// thread or a background task, not from the main actor. Each method is one transaction;
/// `commitBatch(checkpoint:audit:cache:)` puts a whole batch in one. Errors are
/// `StateStoreError`s naming the database path.
public final class StateStore: Sendable {
    /// The path the store was opened with (`":memory:"` for an in-memory store).
    public let path: String
    /// The options the store was opened with.
    public let options: StateStoreOptions

    let writer: any DatabaseWriter
    let cacheBound: CacheBoundTracker

    /// Opens (creating it when missing) the state database at `path`, or an in-memory one
    /// for `":memory:"`, and brings its schema up to date.
    ///
    /// Throws `StateStoreError` when the parent directory is missing, the file is not a
    /// SQLite database or is corrupt, is some other application's database, or was written
    /// by a newer schema version.
    public init(path: String, options: StateStoreOptions = StateStoreOptions()) throws {
        self.path = path
        self.options = options
        self.cacheBound = CacheBoundTracker(limit: options.cacheMaxEntries)

        var configuration = Configuration()
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.label = "enrich-state"
        configuration.foreignKeysEnabled = false
        let synchronous = options.durability == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            // Keep temporary b-trees (ORDER BY, IN lists) in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            }
        }

        do {
            if path == ":memory:" {
                writer = try DatabaseQueue(configuration: configuration)
            } else {
                try Self.checkLocation(path, create: options.createParentDirectory)
                writer = try DatabasePool(path: path, configuration: configuration)
                // GRDB switches a new file to WAL with synchronous=NORMAL after our preparation.
                if options.durability == .full {
                    try writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
                }
            }
            try writer.read { db in try StateSchema.checkCompatibility(db, path: path) }
            try StateSchema.migrator.migrate(writer)
        } catch {
            throw StateStoreError.opening(path, error)
        }
    }

    /// The schema version recorded in the database (equal to `StateStore.schemaVersion` once opened).
    public func recordedSchemaVersion() throws -> Int {
        try read("read schema version") { db in try StateSchema.recordedVersion(db) }
    }

    /// The schema version this build of the module writes.
    public static var schemaVersion: Int { StateSchema.currentVersion }

    /// Row counts of every table, for metrics and tests.
    public func statistics() throws -> StateStatistics {
        try read("read statistics") { db in
            StateStatistics(
                cacheEntries: try Int.fetchOne(db, sql: "SELECT count(*) FROM cache") ?? 0,
                dedupKeys: try Int.fetchOne(db, sql: "SELECT count(*) FROM dedup") ?? 0,
                auditRecords: try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0,
                checkpoints: try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoint") ?? 0
            )
        }
    }

    // MARK: - Access helpers

    /// Runs `body` in a read transaction (a snapshot of the last commit).
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StateStoreError.operation(operation, path, error)
        }
    }

    /// Runs `body` in one write transaction: all of it is committed, or none of it.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch {
            throw StateStoreError.operation(operation, path, error)
        }
    }

    /// Checks that the database file can be created at `path`: its directory exists (or is
    /// created when `create`), and the path is not itself a directory.
    static func checkLocation(_ path: String, create: Bool) throws {
        guard !path.isEmpty else { throw StateStoreError.invalidArgument("the state database path is empty (use \":memory:\" for no file)") }
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StateStoreError.pathIsDirectory(path: path) }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let parent = directory.isEmpty ? "." : directory
        if fileManager.fileExists(atPath: parent, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw StateStoreError.directoryMissing(path: path, directory: parent) }
            return
        }
        guard create else { throw StateStoreError.directoryMissing(path: path, directory: parent) }
        do {
            try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw StateStoreError.cannotOpen(path: path, detail: "cannot create directory \(parent): \(error.localizedDescription)")
        }
    }
}

/// Row counts of the state tables.
public struct StateStatistics: Sendable, Equatable {
    public var cacheEntries: Int
    public var dedupKeys: Int
    public var auditRecords: Int
    public var checkpoints: Int

    public init(cacheEntries: Int, dedupKeys: Int, auditRecords: Int, checkpoints: Int) {
        self.cacheEntries = cacheEntries
        self.dedupKeys = dedupKeys
        self.auditRecords = auditRecords
        self.checkpoints = checkpoints
    }
}
