import Synchronization

/// The last lines a child wrote on standard error, kept to explain why it stopped.
///
/// Lines are cut to ``maxLineBytes`` and only the last ``capacity`` are kept, so a child
/// that floods standard error costs bounded memory.
final class StandardErrorTail: Sendable {
    static let maxLineBytes = 1000
    let capacity: Int
    private let lines = Mutex<[String]>([])

    init(capacity: Int = 20) { self.capacity = capacity }

    func append(_ line: String) {
        lines.withLock { lines in
            if lines.count == capacity { lines.removeFirst() }
            lines.append(line)
        }
    }

    /// The last `count` lines joined by ` | `, or nil when there are none.
    func summary(last count: Int = 3) -> String? {
        let recent = lines.withLock { Array($0.suffix(count)) }
        return recent.isEmpty ? nil : recent.joined(separator: " | ")
    }

    func clear() { lines.withLock { $0.removeAll() } }
}
