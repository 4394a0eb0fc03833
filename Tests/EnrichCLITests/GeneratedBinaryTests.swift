import Foundation
import Testing

/// `enrich compile --emit swift` end to end: the package builds, and its binary takes
/// `enrich run`'s options and writes the same lines as `enrich run` (timing aside).
///
/// Building the package compiles the runtime library again (once; later runs reuse the
/// scratch directory under the temporary directory), so this suite is the slow one.
@Suite("generated binary", .serialized)
struct GeneratedBinaryTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-generated-build")

    /// Compiles martech-local to a package and builds it (debug); the binary's path.
    static func buildMartechLocal() throws -> URL {
        let package = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-generated-martech-local")
        let compile = try EnrichProcess.run([
            "compile", "samples/martech-local.yaml", "--emit", "swift", "-o", package.path, "--runtime-path", EnrichProcess.packageRoot.path,
        ])
        #expect(compile.status == 0, "\(compile.stderr)")
        let build = try Self.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["swift", "build", "--package-path", package.path, "--scratch-path", scratch.path],
            timeoutSeconds: 3600)
        #expect(build.status == 0, "swift build failed:\n\(build.output.suffix(4000))")
        return scratch.appendingPathComponent("debug/martech-local")
    }

    @Test func generatedBinaryWritesWhatEnrichRunWrites() throws {
        let binary = try Self.buildMartechLocal()
        let directory = URL(fileURLWithPath: try EnrichProcess.temporaryFile("", name: "unused")).deletingLastPathComponent()
        let events = directory.appendingPathComponent("events.jsonl")
        try Data(Self.events(count: 400).utf8).write(to: events)

        for extra in [["--workers", "2"], ["--workers", "1", "--batch-size", "1", "--inject-faults", "5:0.3"]] {
            func options(_ name: String) -> [String] {
                ["--input", events.path, "--output", directory.appendingPathComponent("\(name).jsonl").path, "--state", ":memory:",
                 "--metrics-json", directory.appendingPathComponent("\(name).metrics.json").path, "--progress", "never"] + extra
            }
            let interpreted = try EnrichProcess.run(["run", "samples/martech-local.yaml"] + options("interpreted"))
            #expect(interpreted.status == 0, "\(interpreted.stderr)")
            let generated = try Self.run(binary, options("generated"), timeoutSeconds: 120)
            #expect(generated.status == 0, "\(generated.output)")
            #expect(generated.output.contains("crm_lookup"), "the run summary names the agents")
            for suffix in [".jsonl", ".jsonl.dead-letter.jsonl"] {
                let a = try Self.lines(directory.appendingPathComponent("interpreted" + suffix))
                let b = try Self.lines(directory.appendingPathComponent("generated" + suffix))
                #expect(a.count == b.count, "\(suffix) with \(extra)")
                #expect(a == b, "\(suffix) with \(extra) differs")
            }
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("generated.metrics.json").path))
        }
        #expect(try Self.lines(directory.appendingPathComponent("generated.jsonl")).contains { $0.contains("injected fault") })
    }

    @Test func generatedBinaryTakesTheRunOptionsAndItsExitCodes() throws {
        let binary = try Self.buildMartechLocal()
        let help = try Self.run(binary, ["--help"], timeoutSeconds: 60)
        #expect(help.status == 0)
        for option in ["--input", "--output", "--dead-letter", "--state", "--metrics-json", "--workers", "--from-start", "--inject-faults"] {
            #expect(help.output.contains(option), "--help lacks \(option)")
        }
        #expect(help.output.contains("martech_local"))
        let usage = try Self.run(binary, ["--workers", "0"], timeoutSeconds: 60)
        #expect(usage.status == 2)
        #expect(usage.output.contains("--workers must be at least 1"))
        let missing = try Self.run(binary, ["--input", "/nonexistent/events.jsonl", "--state", ":memory:"], timeoutSeconds: 60)
        #expect(missing.status == 2)
        #expect(missing.output.contains("/nonexistent/events.jsonl"))
    }

    // MARK: Helpers

    /// Runs `executable` from the repository root with a time limit; output and error together.
    static func run(_ executable: URL, _ arguments: [String], timeoutSeconds: Double) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = EnrichProcess.packageRoot
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-generated-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) took over \(Int(timeoutSeconds))s")
        }
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    static func lines(_ url: URL) throws -> [String] {
        let timing = try Regex(#""latency_us":[0-9]+"#)
        return ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map {
            String($0).replacing(timing, with: #""latency_us":0"#)
        }
    }

    /// Marketing events over the sample tables, with a repeated id and a malformed line.
    static func events(count: Int) -> String {
        let types = ["page_view", "signup", "purchase", "review", "support_ticket", "email_click"]
        let ips = ["192.0.2.17", "198.51.100.200", "203.0.113.9", "2001:db8::1", "not-an-ip"]
        let texts = ["I love it, great quality!", "Terrible, still broken.", "Viewed page: Spring Sale"]
        var lines: [String] = []
        for index in 0..<count {
            if index == 17 { lines.append("{\"id\": \"broken") }
            let id = index == 30 ? "evt_3" : "evt_\(index)"
            var fields = [
                "\"id\":\"\(id)\"", "\"type\":\"\(types[index % types.count])\"", "\"user_id\":\"u\(String(format: "%05d", 1 + (index * 37) % 500))\"",
                "\"ip\":\"\(ips[index % ips.count])\"", "\"description\":\"\(texts[index % texts.count])\"", "\"timestamp\":\"2026-11-24T09:00:00Z\"",
            ]
            if index % 3 != 0 { fields.append("\"campaign_id\":\"cmp_10\(String(format: "%02d", index % 12))\"") }
            if index % 4 == 0 { fields.append("\"utm_source\":\"newsletter\"") }
            lines.append("{" + fields.joined(separator: ",") + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
