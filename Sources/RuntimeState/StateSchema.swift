import GRDB

/// The state database's schema, its versions and the checks made before touching a file.
///
/// Versions are GRDB migrations. Each migration also records its number in the `meta` table
/// (`schema_version`), which is what an older build reads to refuse a file written by a newer
/// one. `PRAGMA application_id` marks the file as an Enrich state database, so pointing the
/// runtime at some other SQLite file (a lookup table, say) is refused instead of modified.
enum StateSchema {
    /// The schema version this build writes and understands.
    static let currentVersion = 2

    /// `PRAGMA application_id` of an Enrich state database: "ENRS" in ASCII.
    static let applicationID: Int32 = 0x454E_5253

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                PRAGMA application_id = \(applicationID);
                CREATE TABLE meta (
                    key   TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                -- Result cache: one row per (agent, key); stale rows are kept for `fallback: cache`.
                CREATE TABLE cache (
                    agent      TEXT NOT NULL,
                    key        TEXT NOT NULL,
                    value      TEXT NOT NULL,
                    stored_at  INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (agent, key),
                    CHECK (expires_at >= stored_at)
                ) WITHOUT ROWID;
                CREATE INDEX cache_by_stored_at ON cache (stored_at);
                -- Dedup window: first sighting of each key, and which event presented it.
                CREATE TABLE dedup (
                    key     TEXT PRIMARY KEY NOT NULL,
                    seen_at INTEGER NOT NULL,
                    origin  TEXT
                ) WITHOUT ROWID;
                CREATE INDEX dedup_by_seen_at ON dedup (seen_at);
                -- Audit trail: one row per processed event, outcomes only (never payloads or secrets).
                CREATE TABLE audit (
                    id         INTEGER PRIMARY KEY,
                    event_id   TEXT NOT NULL,
                    sequence   INTEGER NOT NULL,
                    status     TEXT NOT NULL
                               CHECK (status IN ('complete', 'partial', 'failed', 'duplicate', 'dead_letter')),
                    agents     TEXT NOT NULL,
                    latency_us INTEGER NOT NULL,
                    at         INTEGER NOT NULL
                );
                -- Input checkpoints, one per source.
                CREATE TABLE checkpoint (
                    source             TEXT PRIMARY KEY NOT NULL,
                    fingerprint        TEXT NOT NULL,
                    input_offset       INTEGER NOT NULL CHECK (input_offset >= 0),
                    input_line         INTEGER NOT NULL CHECK (input_line >= 0),
                    output_path        TEXT NOT NULL,
                    output_length      INTEGER NOT NULL CHECK (output_length >= 0),
                    dead_letter_length INTEGER NOT NULL CHECK (dead_letter_length >= 0),
                    updated_at         INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('schema_version', '1');
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                -- HTTP ingest: events accepted with 202, waiting for the run. A row is removed once
                -- the run's checkpoint (source `ingest`) has passed its id.
                CREATE TABLE ingest_queue (
                    id          INTEGER PRIMARY KEY AUTOINCREMENT,
                    event       BLOB NOT NULL,
                    received_at INTEGER NOT NULL
                );
                -- Webhook sink: enriched events committed with their batch's checkpoint, removed once
                -- the receiver answered 2xx (or once they are in the sink's dead-letter file).
                CREATE TABLE outbox (
                    id       INTEGER PRIMARY KEY AUTOINCREMENT,
                    key      TEXT NOT NULL,
                    event    BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT
                );
                -- Names this database in idempotency keys, so a new state file never repeats old keys.
                INSERT INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(6))));
                UPDATE meta SET value = '2' WHERE key = 'schema_version';
                """)
        }
        // A later migration appends here and ends with
        //     UPDATE meta SET value = '<n>' WHERE key = 'schema_version'
        // and bumps `currentVersion`.
        return migrator
    }

    /// Refuses, before any migration runs, a file this build must not modify: a newer schema,
    /// or a SQLite database that is not an Enrich state database.
    static func checkCompatibility(_ db: Database, path: String) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let userTables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
            ORDER BY name
            """)
        if userTables.isEmpty && applicationID == 0 { return } // a new, empty file
        if applicationID != Self.applicationID {
            let detail = applicationID == 0
                ? "it has tables \(userTables.prefix(5).joined(separator: ", ")) and no Enrich marker"
                : "its application_id is \(applicationID), not \(Self.applicationID)"
            throw StateStoreError.foreignDatabase(path: path, detail: detail)
        }
        guard userTables.contains("meta") else {
            throw StateStoreError.foreignDatabase(path: path, detail: "the Enrich marker is set but the meta table is missing")
        }
        let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
        guard let text, let found = Int(text) else {
            throw StateStoreError.foreignDatabase(path: path, detail: "meta.schema_version is missing or not a number")
        }
        if found > currentVersion {
            throw StateStoreError.newerSchema(path: path, found: found, supported: currentVersion)
        }
        if try migrator.hasBeenSuperseded(db) {
            throw StateStoreError.cannotOpen(path: path, detail: "it records schema migrations unknown to this build of Enrich (written by a newer version?)")
        }
    }

    /// The schema version recorded in the file.
    static func recordedVersion(_ db: Database) throws -> Int {
        let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
        return text.flatMap(Int.init) ?? 0
    }
}
