import Diagnostics
import EventJSON
import Foundation
import GRDB

/// A table (or view) of a SQLite database read whole, through groue/GRDB.swift, opened
/// read-only.
///
/// Storage classes map to JSON as INTEGER → `int`, REAL → `float`, TEXT → `string`,
/// NULL → `null`, BLOB → `string` holding the bytes in base64.
struct SQLiteTable {
    var columns: [String]
    var rows: [[JSONValue]]

    /// Reads every row of `table` in `url` (`display` is the path used in messages). With no
    /// `table`, a database holding exactly one table uses it; otherwise the error lists them.
    static func read(_ url: URL, display: String, table: String?) throws(AgentLoadError) -> SQLiteTable {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw AgentLoadError(file: display, "file not found")
        }
        if isDirectory.boolValue { throw AgentLoadError(file: display, "is a directory, not a file") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "Agents.lookup"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
        } catch {
            throw AgentLoadError(file: display, "cannot be opened as a SQLite database: \(Self.describe(error))")
        }
        let tables: [String]
        do {
            tables = try queue.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            }
        } catch {
            throw AgentLoadError(file: display, "is not a SQLite database: \(Self.describe(error))")
        }
        let name: String
        if let table {
            guard tables.contains(table) else {
                var message = "has no table or view named `\(table)`"
                message += tables.isEmpty ? " (the database has none)" : "; it has: \(tables.joined(separator: ", "))"
                if let guess = DidYouMean.suggestion(for: table, among: tables) { message += "\nhelp: did you mean `\(guess)`?" }
                throw AgentLoadError(file: display, message)
            }
            name = table
        } else if tables.count == 1 {
            name = tables[0]
        } else {
            throw AgentLoadError(
                file: display,
                tables.isEmpty
                    ? "holds no table"
                    : "holds several tables (\(tables.joined(separator: ", "))): set `sql_table` to the one to look up"
            )
        }
        do {
            return try queue.read { db in
                let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let statement = try db.makeStatement(sql: "SELECT * FROM \(quoted)")
                let columns = statement.columnNames
                var rows: [[JSONValue]] = []
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    var values: [JSONValue] = []
                    values.reserveCapacity(columns.count)
                    for index in 0..<columns.count {
                        values.append(Self.value(of: row[index] as DatabaseValue))
                    }
                    rows.append(values)
                }
                return SQLiteTable(columns: columns, rows: rows)
            }
        } catch {
            throw AgentLoadError(file: display, "cannot read table `\(name)`: \(Self.describe(error))")
        }
    }

    static func value(of value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: .null
        case .int64(let int): .int(int)
        case .double(let double): double.isFinite ? .double(double) : .null
        case .string(let string): .string(string)
        case .blob(let data): .string(data.base64EncodedString())
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error)" }
        return "\(error)"
    }
}
