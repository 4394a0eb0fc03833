import Foundation
import Synchronization

/// The built `enrich` binary running `enrich run PIPELINE --serve 127.0.0.1:0 --webhook URL`,
/// as an operator would start it; ``stop()`` sends SIGTERM and waits (bounded) for it to exit.
final class ServedEnrich {
    let process: Process
    let port: Int
    private let output: StderrBuffer

    /// The `enrich` binary next to the test bundle (SwiftPM builds every product for tests).
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("enrich")
    }

    /// The package root, which relative paths in the pipelines (samples/data/...) resolve against.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private init(process: Process, port: Int, output: StderrBuffer) {
        self.process = process
        self.port = port
        self.output = output
    }

    struct NotListening: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "enrich did not print its listening address within the time limit; stderr:\n\(stderr)" }
    }

    /// Starts `enrich run` with `arguments` after the pipeline path and waits (at most
    /// `seconds`) until it prints the bound ingest address.
    static func start(pipeline: String, arguments: [String], seconds: Double = 30) async throws -> ServedEnrich {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["run", pipeline, "--serve", "127.0.0.1:0", "--progress", "never"] + arguments
        process.currentDirectoryURL = packageRoot
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let box = StderrBuffer()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            box.append(String(decoding: data, as: UTF8.self))
        }
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let port = Self.listeningPort(in: box.text) { return ServedEnrich(process: process, port: port, output: box) }
            if !process.isRunning { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        throw NotListening(stderr: box.text)
    }

    /// `enrich: listening on http://127.0.0.1:PORT (...)` → PORT.
    static func listeningPort(in text: String) -> Int? {
        guard let range = text.range(of: "listening on http://127.0.0.1:") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }

    var ingestURL: String { "http://127.0.0.1:\(port)/v1/events" }
    var stderr: String { output.text }

    /// SIGTERM, then waits up to `seconds` (SIGKILL after that); returns the exit status.
    @discardableResult
    func stop(seconds: Double = 20) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -9
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Standard error text shared with the pipe's reading handler.
private final class StderrBuffer: Sendable {
    private let storage = Mutex("")
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}
