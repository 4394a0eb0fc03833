import EventJSON
import Foundation
import Synchronization
import Testing

/// The built `enrich` binary serving HTTP and delivering to a webhook, killed and restarted.
struct ServingEnrich {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var executable: URL? {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return [directory.appendingPathComponent("enrich"), packageRoot.appendingPathComponent(".build/debug/enrich")]
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    let process = Process()
    let stderrPath: String
    let port: Int

    /// Starts `enrich run ARGUMENTS --serve 127.0.0.1:0` and waits (30 s at most) for its address.
    init(_ arguments: [String], stderr: String) async throws {
        process.executableURL = try #require(Self.executable, "the enrich binary is not built")
        process.arguments = ["run"] + arguments + ["--serve", "127.0.0.1:0", "--progress", "never"]
        FileManager.default.createFile(atPath: stderr, contents: nil)
        stderrPath = stderr
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var found: Int?
        let deadline = Date().addingTimeInterval(30)
        while found == nil, process.isRunning, Date() < deadline {
            let text = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
            if found == nil { try await Task.sleep(nanoseconds: 10_000_000) }
        }
        if found == nil, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        port = try #require(found, "enrich did not report its address: \((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for exit; kills and returns nil after `seconds`.
    func wait(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct ServeProcessTests {
    static func pipeline(in scratch: Scratch) throws -> String {
        let path = scratch.path("pipeline.yaml")
        try LabelPipeline.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func sigkillMidRunThenRestartDeliversEveryAcceptedEvent() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // A receiver that is slow and now and then fails, so the outbox has a backlog when the kill comes.
        let receiver = try await WebhookReceiver.start { index in index % 7 == 3 ? .status(503) : .delay(milliseconds: 15, status: 200) }
        let arguments = [
            try Self.pipeline(in: scratch), "--state", scratch.path("state.sqlite"), "--dead-letter", scratch.path("dead.jsonl"),
            "--webhook", receiver.url, "--sink-batch-size", "10", "--sink-linger", "20ms", "--sink-backoff", "10ms", "--batch-size", "16",
        ]
        let first = try await ServingEnrich(arguments, stderr: scratch.path("first.err"))
        // Post NDJSON requests of 20 events until 400 events are accepted, while the run works.
        var accepted = Set<Int>()
        var next = 0
        while accepted.count < 400 {
            var body = ""
            let numbers = next..<(next + 20)
            next += 20
            for n in numbers { body += "{\"n\":\(n)}\n" }
            let response = try await HTTP.post(first.url + "/v1/events", body)
            #expect(response.status == 202)
            if response.status == 202 { accepted.formUnion(numbers) }
        }
        // Mid-run: some delivered, some in the outbox, some still queued.
        let delivering = await receiver.wait(seconds: 20) { $0.deliveredByKey.count > 0 }
        #expect(delivering)
        let deliveredBeforeKill = receiver.deliveredByKey.count
        kill(first.process.processIdentifier, SIGKILL)
        _ = await first.wait(seconds: 10)
        #expect(deliveredBeforeKill < accepted.count, "everything was delivered before the kill: the test proves nothing")

        let second = try await ServingEnrich(arguments, stderr: scratch.path("second.err"))
        let all = await receiver.wait(seconds: 60) { $0.deliveredByKey.count >= accepted.count }
        #expect(all, "\(receiver.deliveredByKey.count) of \(accepted.count) accepted events delivered after the restart")
        kill(second.process.processIdentifier, SIGTERM)
        let status = await second.wait(seconds: 30)
        #expect(status == 143, "exit status \(String(describing: status)); stderr: \(second.standardError)")

        let delivered = receiver.deliveredByKey
        #expect(delivered.count == accepted.count, "unique idempotency keys must match accepted events one to one")
        let numbers = Set(delivered.values.compactMap { $0.int("n").map(Int.init) })
        #expect(numbers == accepted, "missing: \(accepted.subtracting(numbers).sorted().prefix(10))")
        #expect(delivered.values.allSatisfy { $0.string("label") == "n-\($0.int("n") ?? -1)" })
        #expect(scratch.lines("dead.jsonl").isEmpty && scratch.lines("dead.webhook.jsonl").isEmpty)
        await receiver.stop()
    }

    @Test func sigtermRefusesNewRequestsDrainsInFlightAndExits143() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let arguments = [
            try Self.pipeline(in: scratch), "--state", scratch.path("state.sqlite"), "--output", scratch.path("out.jsonl"),
        ]
        let server = try await ServingEnrich(arguments, stderr: scratch.path("serve.err"))
        let accepted = try await HTTP.post(server.url + "/v1/events", "{\"n\":1}\n{\"n\":2}\n")
        #expect(accepted.status == 202)
        // A request whose body is still arriving when SIGTERM comes must be finished and queued.
        let body = "{\"n\":3}"
        let stalled = try RawHTTP.openStalledPost(port: server.port, contentLength: body.utf8.count, sent: "{\"n\"")
        defer { close(stalled) }
        try await Task.sleep(nanoseconds: 200_000_000)
        kill(server.process.processIdentifier, SIGTERM)
        var draining = false
        let deadline = Date().addingTimeInterval(10)
        while !draining, Date() < deadline {
            draining = (try? await HTTP.send("GET", server.url + "/healthz", timeoutSeconds: 2))?.status == 503
            if !draining { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(draining, "/healthz never answered 503 while draining")
        let refused = try await HTTP.post(server.url + "/v1/events", "{\"n\":9}")
        #expect(refused.status == 503)
        RawHTTP.send(stalled, ":3}")
        var reply = [UInt8](repeating: 0, count: 1024)
        let count = reply.withUnsafeMutableBytes { read(stalled, $0.baseAddress, $0.count) }
        #expect(count > 0 && String(decoding: reply[0..<max(0, count)], as: UTF8.self).hasPrefix("HTTP/1.1 202"))
        let status = await server.wait(seconds: 30)
        #expect(status == 143, "exit status \(String(describing: status)); stderr: \(server.standardError)")
        // What was accepted is either written or still queued for the next start: here, written.
        let labels = scratch.lines("out.jsonl").compactMap { try? JSONReader.parse($0) }.compactMap { $0.string("label") }
        #expect(Set(labels).isSuperset(of: ["n-1", "n-2"]))
    }

    @Test func fileRunDeliversThroughThePipelinesWebhookSink() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let receiver = try await WebhookReceiver.start { index in index == 1 ? .status(502) : .status(200) }
        let pipeline = scratch.path("sink.yaml")
        try """
            pipeline: sink_from_pipeline
            sink:
              type: webhook
              url: \(receiver.url)
              batch_size: 7
              linger: 10ms
            agents:
              - name: label
                type: expr
                output:
                  label: concat("n-", to_string(event.n))
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let input = scratch.path("events.jsonl")
        try (1...50).map { "{\"n\":\($0)}\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try #require(ServingEnrich.executable)
        process.arguments = [
            "run", pipeline, "--input", input, "--state", scratch.path("state.sqlite"), "--sink-backoff", "10ms", "--progress", "never",
            "--sink-header", "Authorization: Bearer t0ken",
        ]
        FileManager.default.createFile(atPath: scratch.path("run.err"), contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path("run.err")))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = scratch.lines("run.err").joined(separator: "\n")
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("webhook: 50 delivered, 0 dead-lettered"))
        let delivered = receiver.deliveredByKey
        #expect(delivered.count == 50)
        #expect(Set(delivered.values.compactMap { $0.int("n") }) == Set(1...50))
        #expect(receiver.requests.allSatisfy { $0.events.count <= 7 })
        #expect(receiver.requests.allSatisfy { $0.authorization == "Bearer t0ken" })
        #expect(receiver.requests.contains { $0.status == 502 }, "the failed batch must have been retried")
        await receiver.stop()
    }
}
