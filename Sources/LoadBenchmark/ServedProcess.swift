import Foundation

/// `enrich run ... --serve 127.0.0.1:0` as a child process; the bound port is read from its
/// standard error (`enrich: listening on http://127.0.0.1:PORT ...`).
final class ServedProcess {
    let pid: Int32
    let port: Int
    private let process: Process
    private let text: Text

    private init(process: Process, port: Int, text: Text) {
        pid = process.processIdentifier
        self.port = port
        self.process = process
        self.text = text
    }

    /// The first 64 KiB of its standard error.
    var stderr: String { text.value }

    struct NotListening: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "enrich did not start serving within 30 s; standard error:\n\(stderr)" }
    }

    static func start(_ executable: String, _ arguments: [String]) async throws -> ServedProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let text = Text()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { text.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            let seen = text.value
            if let range = seen.range(of: "listening on http://127.0.0.1:"), let port = Int(seen[range.upperBound...].prefix { $0.isNumber }) {
                return ServedProcess(process: process, port: port, text: text)
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw NotListening(stderr: text.value)
    }

    /// SIGTERM, then waits up to 30 s (SIGKILL after); returns the exit status.
    func stop() async -> Int32 {
        if process.isRunning { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Text read from a pipe, shared with its reading handler.
private final class Text: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    func append(_ more: String) {
        lock.lock()
        if text.count < 1 << 16 { text += more }
        lock.unlock()
    }

    var value: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }
}
