import EventJSON
import Foundation
import GRDB
import StandInServers
import Testing

extension NetworkAgentBehaviour {
    /// `env.` secrets reach the service and nothing else: not the plan, the output, the
    /// dead letters, the state file (audit, cache) or what `enrich` prints.
    @Suite struct SecretLeakTests {
        static let token = "tok-9f8e7d6c5b4a-SECRET"
        static let apiKey = "key-0a1b2c3d4e5f-SECRET"

        /// The `enrich` binary next to the test bundle, else in the package's .build/debug.
        static var executable: URL? {
            var directory = Bundle.main.bundleURL
            if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return [directory.appendingPathComponent("enrich"), root.appendingPathComponent(".build/debug/enrich")]
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }

        /// Runs `enrich ARGUMENTS` in `workspace` with the secrets in its environment; returns its exit status.
        static func enrich(_ arguments: [String], in workspace: Workspace, stderr: String, seconds: Double = 30) async throws -> Int32? {
            let process = Process()
            process.executableURL = try #require(executable, "the enrich binary is not built (swift build --build-tests builds it)")
            process.arguments = arguments
            process.currentDirectoryURL = workspace.directory
            var environment = ProcessInfo.processInfo.environment
            environment["CRM_TOKEN"] = token
            environment["CRM_API_KEY"] = apiKey
            process.environment = environment
            FileManager.default.createFile(atPath: workspace.path(stderr), contents: nil)
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: workspace.path(stderr)))
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationStatus
        }

        /// Answers by user id: success, 500, 404, reset, hang, 429 and a header-echoing body.
        static func reply(_ request: StandInRequest) -> StandInReply {
            let user = request.path.split(separator: "/").last.map(String.init) ?? ""
            switch user {
            case "u1": return .json("{\"data\":{\"segment\":\"gold\"}}")
            case "u2": return .status(500)
            case "u3": return .status(404)
            case "u4": return .reset
            case "u5": return .hang
            case "u6": return .status(429, headers: [("Retry-After", "60")])
            default: return .json("{\"data\":{\"segment\":\"silver\"}}")
            }
        }

        @Test func secretsFromTheEnvironmentAreWrittenNowhere() async throws {
            let workspace = try Workspace()
            defer { workspace.remove() }
            try await withStandIn({ Self.reply($0) }) { server in
                try workspace.write(
                    """
                    pipeline: secrets
                    deadline: 3s
                    agents:
                    - name: crm
                      type: http
                      url: "\(server.baseURL)/users/{event.user_id}?api_key={env.CRM_API_KEY}"
                      headers:
                        Authorization: "Bearer {env.CRM_TOKEN}"
                      timeout: 300ms
                      retry: {attempts: 2, backoff: 10ms}
                      circuit_breaker: {failures: 3, cooldown: 1s}
                      cache: {ttl: 5m}
                      fallback: fail
                      input:
                        user_id: event.user_id
                      output:
                        segment: data.segment
                    """, to: "pipeline.yaml")
                try workspace.write((1...8).map { "{\"id\":\"e\($0)\",\"user_id\":\"u\($0)\"}" }.joined(separator: "\n") + "\n", to: "in.jsonl")

                let compiled = try await Self.enrich(["compile", "pipeline.yaml", "-o", "plan.json"], in: workspace, stderr: "compile.err")
                #expect(compiled == 0, "\(workspace.lines("compile.err"))")
                let status = try await Self.enrich(
                    [
                        "run", "plan.json", "--input", "in.jsonl", "--output", "out.jsonl", "--dead-letter", "dead.jsonl",
                        "--state", "state.sqlite", "--metrics-json", "metrics.json", "--progress", "never", "--workers", "1",
                    ], in: workspace, stderr: "run.err")
                #expect(status != nil, "enrich run did not finish")

                // The secrets did reach the service...
                let requests = server.requests
                #expect(requests.count >= 8)
                #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.token)" })
                #expect(requests.allSatisfy { $0.uri.hasSuffix("?api_key=\(Self.apiKey)") })
            }
            // ...and every kind of record was written...
            #expect(workspace.lines("out.jsonl").count >= 2, "\(workspace.lines("run.err"))")
            #expect(workspace.lines("dead.jsonl").count >= 4)
            let reasons = workspace.lines("dead.jsonl").joined(separator: "\n")
            #expect(reasons.contains("HTTP 500"))
            #expect(reasons.contains("HTTP 404"))
            let queue = try DatabaseQueue(path: workspace.path("state.sqlite"))
            let auditRows = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit") ?? 0 }
            let cacheRows = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cache") ?? 0 }
            #expect(auditRows == 8)
            #expect(cacheRows >= 1)
            try await queue.close()
            // ...without the secrets, in plain text or percent-encoded, in any file.
            let files = workspace.allFiles()
            #expect(files.contains { $0.hasSuffix("state.sqlite") })
            #expect(files.contains { $0.hasSuffix("plan.json") })
            #expect(files.contains { $0.hasSuffix("metrics.json") })
            for file in files {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
                for secret in [Self.token, Self.apiKey] {
                    for needle in [secret, secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret] {
                        #expect(!Self.contains(bytes, Array(needle.utf8)), "\(file) holds a secret")
                    }
                }
            }
        }

        static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
            guard !needle.isEmpty, haystack.count >= needle.count else { return false }
            for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
                if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            }
            return false
        }
    }
}
