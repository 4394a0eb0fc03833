import Foundation
import GRDB

/// How far a source has been processed, and how long the outputs were at that point.
///
/// On restart the runtime reads the checkpoint of its source, checks that the input is the
/// same file (`fingerprint`, see `SourceFingerprint`), truncates the output to
/// `outputLength` and the dead-letter file to `deadLetterLength` (dropping what a killed run
/// wrote after its last commit), and resumes reading at `inputOffset`. Written in the same
/// transaction as the batch's audit rows (`commitBatch`), it never disagrees with them.
public struct Checkpoint: Sendable, Equatable {
    /// The source's name: the input path as given, or a name such as `-` for stdin.
    public var source: String
    /// Identity of the input file when the checkpoint was taken (e.g. device and inode).
    public var fingerprint: String
    /// Bytes of input fully processed: the next batch starts reading here.
    public var inputOffset: Int64
    /// Input lines fully processed (the last processed event's line number).
    public var inputLine: Int64
    public var outputPath: String
    /// Bytes of output written and flushed for the processed input.
    public var outputLength: Int64
    /// Bytes of dead-letter output written and flushed for the processed input.
    public var deadLetterLength: Int64
    public var updatedAt: Date

    public init(source: String, fingerprint: String, inputOffset: Int64, inputLine: Int64, outputPath: String, outputLength: Int64, deadLetterLength: Int64, updatedAt: Date) {
        self.source = source
        self.fingerprint = fingerprint
        self.inputOffset = inputOffset
        self.inputLine = inputLine
        self.outputPath = outputPath
        self.outputLength = outputLength
        self.deadLetterLength = deadLetterLength
        self.updatedAt = updatedAt
    }
}

extension StateStore {
    /// The last committed checkpoint of `source`, if any.
    public func checkpoint(for source: String) throws -> Checkpoint? {
        try read("checkpoint read") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT source, fingerprint, input_offset, input_line, output_path, output_length,
                       dead_letter_length, updated_at
                FROM checkpoint WHERE source = ?
                """, arguments: [source])
            else { return nil }
            return Checkpoint(
                source: row[0], fingerprint: row[1], inputOffset: row[2], inputLine: row[3],
                outputPath: row[4], outputLength: row[5], deadLetterLength: row[6],
                updatedAt: Timestamp.date(row[7])
            )
        }
    }

    /// Saves (replaces) the checkpoint of `checkpoint.source`.
    public func saveCheckpoint(_ checkpoint: Checkpoint) throws {
        try write("checkpoint save") { db in try upsertCheckpoint(checkpoint, db) }
    }

    /// Forgets the checkpoint of `source` (to reprocess it from the start).
    public func removeCheckpoint(for source: String) throws {
        try write("checkpoint remove") { db in
            try db.execute(sql: "DELETE FROM checkpoint WHERE source = ?", arguments: [source])
        }
    }

    func upsertCheckpoint(_ checkpoint: Checkpoint, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO checkpoint
                (source, fingerprint, input_offset, input_line, output_path, output_length, dead_letter_length, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            checkpoint.source, checkpoint.fingerprint, checkpoint.inputOffset, checkpoint.inputLine,
            checkpoint.outputPath, checkpoint.outputLength, checkpoint.deadLetterLength,
            Timestamp.micros(checkpoint.updatedAt),
        ])
    }
}
