import Synchronization

/// A file path interned for the life of the process: a 4-byte handle that compares,
/// hashes and copies as an integer.
///
/// Equal paths get the same handle, so `==` on handles is `==` on the paths. The table
/// only grows, by one entry per distinct path (a lint run sees a handful), and is safe
/// to use from any thread. ``SourceFile`` interns its path once; hot code builds ranges
/// from that handle without touching the table.
public struct SourcePath: Hashable, Sendable, CustomStringConvertible {
    private let index: UInt32

    /// The handle of `text`, interning it on first use.
    public init(_ text: String) {
        index = SourcePathTable.shared.withLock { table in
            if let index = table.indices[text] { return index }
            let index = UInt32(table.paths.count)
            table.paths.append(text)
            table.indices[text] = index
            return index
        }
    }

    /// The path as given.
    public var text: String {
        SourcePathTable.shared.withLock { $0.paths[Int(index)] }
    }

    public var description: String { text }
}

/// Every path interned so far, in both directions.
private struct SourcePathTable: ~Copyable {
    var paths: [String] = []
    var indices: [String: UInt32] = [:]

    static let shared = Mutex(SourcePathTable())
}
