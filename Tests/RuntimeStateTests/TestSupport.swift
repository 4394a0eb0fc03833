import Foundation
@testable import RuntimeState

/// A fresh temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init(_ name: String = "state") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("enrich-\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A fixed reference instant, so TTL and window arithmetic in tests is exact.
let t0 = Date(timeIntervalSince1970: 1_750_000_000)

func audit(_ sequence: Int64, _ status: AuditStatus = .complete, at date: Date = t0) -> AuditRecord {
    AuditRecord(
        eventID: "evt-\(sequence)", sequence: sequence, status: status,
        agents: [
            AgentOutcome(agent: "crm_lookup", outcome: .ok, attempts: 1, latencyMicros: 1_200),
            AgentOutcome(agent: "sentiment", outcome: .timeout, attempts: 3, latencyMicros: 500_000),
        ],
        totalLatencyMicros: 501_300, timestamp: date)
}

func checkpoint(line: Int64, source: String = "input.jsonl", at date: Date = t0) -> Checkpoint {
    Checkpoint(
        source: source, fingerprint: "2049:1234", inputOffset: line * 615, inputLine: line,
        outputPath: "out.jsonl", outputLength: line * 700, deadLetterLength: line / 10, updatedAt: date)
}

/// Both backends, so behaviour is checked on a real file and in memory alike.
enum Backend: String, CaseIterable, Sendable {
    case file
    case memory

    func open(in directory: TemporaryDirectory, options: StateStoreOptions = StateStoreOptions()) throws -> StateStore {
        switch self {
        case .file: return try StateStore(path: directory.path("state.sqlite"), options: options)
        case .memory: return try StateStore(path: ":memory:", options: options)
        }
    }
}
