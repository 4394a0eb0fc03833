import Foundation
import Testing
@testable import RuntimeState

/// The `StateCrashHelper` executable, built beside the test bundle.
func crashHelperURL() throws -> URL {
    var directory = Bundle.main.bundleURL
    if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
    let candidates = [
        directory.appendingPathComponent("StateCrashHelper"),
        Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("StateCrashHelper"),
    ].compactMap { $0 }
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
    }
    throw StateStoreError.invalidArgument("StateCrashHelper not found next to the tests (looked in \(candidates.map(\.path)))")
}

/// Reads the child's standard output line by line, on its own thread.
final class LineReader: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var lines: [String] = []
    private var finished = false

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                lock.lock()
                if chunk.isEmpty { finished = true; lock.unlock(); return }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
                lock.unlock()
            }
        }
        thread.start()
    }

    var snapshot: (lines: [String], finished: Bool) {
        lock.lock(); defer { lock.unlock() }
        return (lines, finished)
    }

    /// The highest N of the "committed N" lines.
    var lastCommitted: Int64? {
        snapshot.lines.compactMap { line -> Int64? in
            guard line.hasPrefix("committed ") else { return nil }
            return Int64(line.dropFirst("committed ".count))
        }.max()
    }
}

@Suite("Crash safety")
struct CrashTests {
    /// How a round chooses the moment of the kill.
    enum KillMoment: CustomStringConvertible {
        /// After a random number of commits, plus a random delay: anywhere in the loop.
        case random
        /// A few milliseconds after the helper announced a large batch's commit: inside its transaction.
        case insideLargeTransaction

        var description: String { self == .random ? "random" : "inside a large transaction" }
    }

    @Test("SIGKILL of a process committing batches leaves the last committed checkpoint, consistent with audit and cache")
    func killDuringCommits() throws {
        let helper = try crashHelperURL()
        let directory = try TemporaryDirectory("crash")
        let path = directory.path("state.sqlite")
        var previousLine: Int64 = 0
        var generator = SystemRandomNumberGenerator()
        var killsInsideTransaction = 0

        // Four rounds, each resuming from the previous round's checkpoint; each is bounded by a
        // commit target and a 20-second deadline.
        let moments: [KillMoment] = [.random, .insideLargeTransaction, .random, .insideLargeTransaction]
        for (round, moment) in moments.enumerated() {
            let process = Process()
            process.executableURL = helper
            // Batches of 64 events; every 4th batch has 3,200.
            process.arguments = [path, "64", "1000000", "4"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let reader = LineReader(output.fileHandleForReading)

            let commitsWanted = Int.random(in: 2...12, using: &generator)
            let deadline = Date().addingTimeInterval(20)
            var largeBegun: Int64?
            while Date() < deadline, !reader.snapshot.finished {
                let lines = reader.snapshot.lines
                let commits = lines.filter { $0.hasPrefix("committed ") }.count
                if moment == .random, commits >= commitsWanted { break }
                if moment == .insideLargeTransaction, commits >= 4, let last = lines.last, last.hasPrefix("begin "),
                   let begun = Int64(last.dropFirst("begin ".count)), begun - (reader.lastCommitted ?? previousLine) > 64 {
                    largeBegun = begun
                    break
                }
                usleep(200)
            }
            usleep(UInt32.random(in: moment == .random ? 0...3_000 : 1_000...3_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the helper was killed, not finished")
            #expect(process.terminationStatus == SIGKILL)
            // Let the reader drain what the child printed before it died.
            let drainDeadline = Date().addingTimeInterval(5)
            while !reader.snapshot.finished && Date() < drainDeadline { usleep(1_000) }

            let lines = reader.snapshot.lines
            #expect(lines.first == "ready \(previousLine)", "round \(round) resumed from the checkpoint")
            let acknowledged = try #require(reader.lastCommitted, "round \(round): the helper committed nothing in 20 s")
            let begun = lines.compactMap { $0.hasPrefix("begin ") ? Int64($0.dropFirst("begin ".count)) : nil }.max() ?? acknowledged

            let store = try StateStore(path: path)
            let saved = try #require(try store.checkpoint(for: "crash-input"))
            // Every acknowledged commit survived; beyond it only the batch in flight, whole or not at all.
            #expect(saved.inputLine == acknowledged || saved.inputLine == begun,
                    "round \(round) (\(moment)): recovered \(saved.inputLine), acknowledged \(acknowledged), begun \(begun)")
            if let largeBegun, saved.inputLine == acknowledged, acknowledged < largeBegun { killsInsideTransaction += 1 }
            #expect(saved.inputOffset == saved.inputLine * 100)
            #expect(saved.outputLength == saved.inputLine * 120)
            // Audit rows and cache entries are exactly those of the committed batches.
            let statistics = try store.statistics()
            #expect(statistics.auditRecords == Int(saved.inputLine))
            #expect(statistics.cacheEntries == Int(saved.inputLine))
            let sequences = try store.auditRecords(limit: Int.max).map(\.sequence)
            #expect(sequences == Array(1...saved.inputLine))
            let lastKey = "user-\(saved.inputLine)"
            #expect(try store.lookupCache(agent: "crm_lookup", keys: [lastKey], now: Date())[lastKey]?.value == "{\"line\":\(saved.inputLine)}")
            previousLine = saved.inputLine
        }
        #expect(previousLine > 0)
        // The large transactions take tens of milliseconds: the kills aimed inside them land there.
        #expect(killsInsideTransaction >= 1)
    }
}
