import Foundation
import GRDB

/// Why the state database could not be opened or used. Every case names the database path,
/// so a message reaching a terminal or a log says which file is at fault.
public enum StateStoreError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The directory that should hold the database file does not exist (or is not a directory).
    case directoryMissing(path: String, directory: String)
    /// The path names a directory, not a file.
    case pathIsDirectory(path: String)
    /// SQLite could not open or create the file (permissions, read-only file system, ...).
    case cannotOpen(path: String, detail: String)
    /// The file is not a SQLite database, or its content is corrupt.
    case notADatabase(path: String, detail: String)
    /// The file is a valid SQLite database, but not an Enrich state database.
    case foreignDatabase(path: String, detail: String)
    /// The file was written by a newer version of Enrich, whose schema this one does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A caller passed arguments the store refuses (e.g. `origins` and `keys` of different counts).
    case invalidArgument(String)
    /// A database operation failed (constraint violation, I/O error, busy timeout, ...).
    /// Any transaction it belonged to was rolled back.
    case operationFailed(path: String, operation: String, detail: String)

    public var description: String {
        switch self {
        case let .directoryMissing(path, directory):
            return "cannot create state database \(path): directory \(directory) does not exist"
        case let .pathIsDirectory(path):
            return "cannot open state database \(path): it is a directory"
        case let .cannotOpen(path, detail):
            return "cannot open state database \(path): \(detail)"
        case let .notADatabase(path, detail):
            return "state database \(path) is not a SQLite database or is corrupt (\(detail)); move it away or point the runtime at another state file"
        case let .foreignDatabase(path, detail):
            return "\(path) is a SQLite database but not an Enrich state database (\(detail)); refusing to modify it"
        case let .newerSchema(path, found, supported):
            return "state database \(path) has schema version \(found), newer than version \(supported) supported by this build of Enrich; upgrade Enrich or use another state file"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        case let .operationFailed(path, operation, detail):
            return "state database \(path): \(operation) failed: \(detail)"
        }
    }

    public var errorDescription: String? { description }
}

extension StateStoreError {
    /// Maps an error thrown while opening or migrating `path` to a clear `StateStoreError`.
    static func opening(_ path: String, _ error: any Error) -> StateStoreError {
        if let error = error as? StateStoreError { return error }
        guard let error = error as? DatabaseError else {
            return .cannotOpen(path: path, detail: String(describing: error))
        }
        let detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT:
            return .notADatabase(path: path, detail: detail)
        default:
            return .cannotOpen(path: path, detail: detail)
        }
    }

    /// Maps an error thrown by `operation` on the open store at `path`.
    static func operation(_ operation: String, _ path: String, _ error: any Error) -> StateStoreError {
        if let error = error as? StateStoreError { return error }
        guard let error = error as? DatabaseError else {
            return .operationFailed(path: path, operation: operation, detail: String(describing: error))
        }
        let detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .notADatabase(path: path, detail: detail)
        default:
            return .operationFailed(path: path, operation: operation, detail: detail)
        }
    }
}
