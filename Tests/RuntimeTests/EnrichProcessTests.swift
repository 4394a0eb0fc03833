import EventJSON
import Foundation
import Runtime
import Testing

/// The built `enrich` binary, run as a user would, with files for its output (no pipes
/// that could fill up and block it).
struct EnrichBinary {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `enrich` next to the test bundle (as Tests/EnrichCLITests/EnrichProcess.swift finds it),
    /// else in the package's .build/debug.
    static var executable: URL? {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        let candidates = [
            directory.appendingPathComponent("enrich"),
            packageRoot.appendingPathComponent(".build/debug/enrich"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    let process = Process()
    let stderrPath: String

    /// Starts `enrich ARGUMENTS` in the package root.
    init(_ arguments: [String], stderr: String) throws {
        let executable = try #require(Self.executable, "the enrich binary is not built (swift build --build-tests builds it)")
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.packageRoot
        FileManager.default.createFile(atPath: stderr, contents: nil)
        stderrPath = stderr
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit; kills it and returns nil after `seconds`.
    func wait(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits until `path` is longer than `bytes` (or the process ended, or `seconds` passed).
    func waitForOutput(_ path: String, moreThan bytes: Int = 0, seconds: Double = 30) async {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline {
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > bytes { return }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// Writes `count` sample events with samples/generate_events.py.
    static func generateEvents(count: Int, to path: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "samples/generate_events.py", "--count", String(count)]
        process.currentDirectoryURL = packageRoot
        FileManager.default.createFile(atPath: path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try process.run()
        // Poll rather than block a thread of the cooperative pool.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "generate_events.py failed")
    }
}

extension RuntimeBehaviour {
    /// Crash and interrupt the real `enrich run`, then run it again: nothing lost, nothing twice.
    @Suite struct EnrichProcessTests {
        static let eventCount = 20_000

        /// Input ids in order.
        static func ids(ofInput path: String) throws -> [String] {
            try Workspace().lines(path).map { line in (try? JSONReader.parse(line))?.string("id") ?? "?" }
        }

        /// Every output line parses; returns the ids in order.
        static func ids(ofOutput path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.last == UInt8(ascii: "\n"), "the output ends in a partial line", sourceLocation: sourceLocation)
            var ids: [String] = []
            for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().enumerated() {
                do {
                    let event = try JSONReader.parse(Array(line))
                    ids.append(event.string("id") ?? "?")
                    if event.value("_enrichment") == nil {
                        Issue.record("output line \(number + 1) has no _enrichment", sourceLocation: sourceLocation)
                    }
                } catch {
                    Issue.record("output line \(number + 1) does not parse: \(error)", sourceLocation: sourceLocation)
                    ids.append("<unparsable>")
                }
            }
            return ids
        }

        func arguments(_ workspace: Workspace) -> [String] {
            [
                "run", "samples/martech-local.yaml", "--input", workspace.input, "--output", workspace.output, "--state", workspace.state,
                "--batch-size", "64", "--progress", "never",
            ]
        }

        @Test(.timeLimit(.minutes(3)))
        func aRunKilledWithSIGKILLAndRestartedWritesEveryEventExactlyOnceInOrder() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            try await EnrichBinary.generateEvents(count: Self.eventCount, to: workspace.input)
            let inputIDs = try Self.ids(ofInput: workspace.input)
            try #require(inputIDs.count == Self.eventCount && Set(inputIDs).count == Self.eventCount)

            // Two crashes at different points, then a run to the end.
            var killedAt: [Int] = []
            for round in 0..<2 {
                let started = Date()
                let run = try EnrichBinary(arguments(workspace), stderr: workspace.path("stderr-\(round).txt"))
                let before = (try? FileManager.default.attributesOfItem(atPath: workspace.output)[.size] as? Int) ?? 0
                await run.waitForOutput(workspace.output, moreThan: before)
                let waited = Date().timeIntervalSince(started)
                if waited < 0.3 { try await Task.sleep(nanoseconds: UInt64((0.3 - waited) * 1e9)) }
                try #require(run.process.isRunning, "the run finished before it could be killed: \(run.standardError)")
                kill(run.process.processIdentifier, SIGKILL)
                let status = await run.wait(seconds: 10)
                #expect(run.process.terminationReason == .uncaughtSignal)
                #expect(status == SIGKILL)
                killedAt.append(try workspace.lines(workspace.output).count)
            }
            #expect(killedAt.last ?? 0 < Self.eventCount, "killed at \(killedAt)")

            let final = try EnrichBinary(arguments(workspace), stderr: workspace.path("stderr-final.txt"))
            let status = await final.wait(seconds: 120)
            #expect(status == 0, "the rerun ended with \(String(describing: status)): \(final.standardError)")
            #expect(final.standardError.contains("resumed after line"), "stderr: \(final.standardError)")

            let outputIDs = try Self.ids(ofOutput: workspace.output)
            #expect(outputIDs.count == Self.eventCount)
            #expect(outputIDs == inputIDs, "the output is not every input event once, in input order")
            #expect(try workspace.lines(workspace.output + ".dead-letter.jsonl").isEmpty)
        }

        @Test(.timeLimit(.minutes(3)))
        func sigintStopsAfterWritingAndCheckpointingWhatWasReadThenARerunCompletesTheRest() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            try await EnrichBinary.generateEvents(count: Self.eventCount, to: workspace.input)
            let inputIDs = try Self.ids(ofInput: workspace.input)

            let run = try EnrichBinary(arguments(workspace), stderr: workspace.path("stderr-interrupted.txt"))
            await run.waitForOutput(workspace.output)
            try #require(run.process.isRunning, "the run finished before it could be interrupted: \(run.standardError)")
            kill(run.process.processIdentifier, SIGINT)
            let status = await run.wait(seconds: 30)
            #expect(status == 130, "stderr: \(run.standardError)")
            #expect(run.standardError.contains("interrupted by SIGINT"), "stderr: \(run.standardError)")

            // Everything written is whole and checkpointed: the checkpoint is the output's end.
            let written = try Self.ids(ofOutput: workspace.output)
            #expect(written.count > 0 && written.count < Self.eventCount, "\(written.count) events written before SIGINT")
            #expect(written == Array(inputIDs.prefix(written.count)))
            let source = URL(fileURLWithPath: workspace.input).standardizedFileURL.path
            let checkpoint = try #require(try SQLiteRunState(path: workspace.state).checkpoint(for: source), "no checkpoint after SIGINT")
            #expect(checkpoint.inputLine == Int64(written.count))
            let outputSize = try FileManager.default.attributesOfItem(atPath: workspace.output)[.size] as? Int
            #expect(checkpoint.outputLength == outputSize.map(Int64.init))

            let rerun = try EnrichBinary(arguments(workspace), stderr: workspace.path("stderr-rerun.txt"))
            let rerunStatus = await rerun.wait(seconds: 120)
            #expect(rerunStatus == 0, "stderr: \(rerun.standardError)")
            #expect(rerun.standardError.contains("resumed after line"), "stderr: \(rerun.standardError)")
            let outputIDs = try Self.ids(ofOutput: workspace.output)
            #expect(outputIDs == inputIDs)
        }
    }
}
