// Ingest throughput and memory under overload: the real IngestServer on 127.0.0.1 over a
// real SQLite queue, flooded by concurrent AsyncHTTPClient clients.
//
//   swift run -c release IngestBenchmark [--seconds 5] [--clients 16]
//
// Phase 1 (throughput): clients POST 200-event NDJSON bodies while a drainer removes
// queued events, as a run would. Phase 2 (overload): 64 clients POST 1 MiB bodies with
// --max-concurrent-requests 4 and nothing draining: the queue bound gives 429s, the
// in-flight bound 503s, and the resident set may grow by about 4 bodies, not 64. Phase 3
// repeats phase 2 with the bound at 64 (and room in the queue), for comparison.
import AsyncHTTPClient
import Connectors
import Foundation
import NIOCore
import Runtime
import RuntimeState
import Synchronization

func argument(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

/// Peak resident set (VmHWM) in MiB.
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kilobytes / 1024
    }
    return 0
}

struct Phase {
    let server: IngestServer
    let queue: EventQueue
    let port: Int
    let task: Task<Void, any Error>
}

func startServer(store: StateStore, limits: IngestLimits) async throws -> Phase {
    let queue = try EventQueue(store: store)
    let server = IngestServer(queue: queue, host: "127.0.0.1", port: 0, limits: limits) { "" }
    let bound = Mutex<Int?>(nil)
    let task = Task { try await server.run { port in bound.withLock { $0 = port } } }
    let deadline = Date().addingTimeInterval(10)
    while bound.withLock({ $0 }) == nil, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
    guard let port = bound.withLock({ $0 }) else { fatalError("the ingest server did not start") }
    return Phase(server: server, queue: queue, port: port, task: task)
}

func flood(port: Int, clients: Int, seconds: Double, body: String) async -> [Int: Int] {
    let deadline = Date().addingTimeInterval(seconds)
    // One buffer shared by every client (copies share storage), so the clients add no bodies of their own.
    let shared = ByteBuffer(string: body)
    return await withTaskGroup(of: [Int: Int].self) { group in
        for _ in 0..<clients {
            group.addTask {
                var statuses: [Int: Int] = [:]
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/events")
                request.method = .POST
                request.body = .bytes(shared)
                while Date() < deadline {
                    do {
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        statuses[Int(response.status.code), default: 0] += 1
                    } catch {
                        statuses[0, default: 0] += 1
                    }
                }
                return statuses
            }
        }
        var total: [Int: Int] = [:]
        for await statuses in group { for (code, count) in statuses { total[code, default: 0] += count } }
        return total
    }
}

let seconds = Double(argument("--seconds", 5))
let clients = argument("--clients", 16)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-benchmark-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try StateStore(path: directory.appendingPathComponent("state.sqlite").path, options: StateStoreOptions(durability: .full))

// Phase 1: throughput with a drainer.
let event = #"{"id":"evt-000000","type":"page_view","user_id":"u-12345","url":"https://example.com/products/42","ip":"203.0.113.7","ts":"2026-11-25T12:00:00Z"}"#
let ndjson = String(repeating: event + "\n", count: 200)
var limits = IngestLimits()
let throughput = try await startServer(store: store, limits: limits)
let draining = Atomic<Bool>(true)
let drainer = Thread {
    var last: Int64 = 0
    while draining.load(ordering: .relaxed) {
        if let events = try? store.queuedEvents(after: last, limit: 10_000), let newest = events.last?.id {
            last = newest
            _ = try? store.removeQueued(through: newest)
        } else {
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}
drainer.start()
let started = Date()
let phase1 = await flood(port: throughput.port, clients: clients, seconds: seconds, body: ndjson)
let elapsed = Date().timeIntervalSince(started)
draining.store(false, ordering: .relaxed)
throughput.task.cancel()
let accepted = throughput.queue.accepted
print("phase 1: \(clients) clients, 200-event NDJSON bodies (\(ndjson.utf8.count) bytes), synchronous=FULL")
print(String(format: "  %.0f events/s accepted (%d events, %d requests/s), statuses %@", Double(accepted) / elapsed, accepted,
             Int(Double(phase1[202] ?? 0) / elapsed), phase1.description))

// Phase 2: overload, nothing draining.
let overloadBody = String(repeating: event + "\n", count: (1 << 20) / (event.utf8.count + 1))
limits.maxConcurrentRequests = 4
limits.maxBodyBytes = 2 << 20
limits.maxQueued = 20_000
let overload = try await startServer(store: store, limits: limits)
let before = peakResidentMiB()
let phase2 = await flood(port: overload.port, clients: 64, seconds: seconds, body: overloadBody)
let after = peakResidentMiB()
overload.task.cancel()
print("phase 2: 64 clients, \(overloadBody.utf8.count >> 10) KiB bodies, --max-concurrent-requests 4, --max-queued 20000, no drain")
print("  statuses \(phase2.description); queue depth \(overload.queue.depth)")
print(String(format: "  peak resident set %.1f MiB before, %.1f MiB after: +%.1f MiB (64 bodies would be %.0f MiB)",
             before, after, after - before, Double(64 * overloadBody.utf8.count) / 1_048_576))


// Phase 3: the same flood with the in-flight bound at 64 and room in the queue.
_ = try store.removeQueued(through: Int64.max)
limits.maxConcurrentRequests = 64
limits.maxQueued = 1_000_000
let unbounded = try await startServer(store: store, limits: limits)
let phase3 = await flood(port: unbounded.port, clients: 64, seconds: seconds, body: overloadBody)
let peak3 = peakResidentMiB()
unbounded.task.cancel()
print("phase 3: the same with --max-concurrent-requests 64 and --max-queued 1000000")
print("  statuses \(phase3.description)")
print(String(format: "  peak resident set %.1f MiB: +%.1f MiB over phase 2's peak", peak3, peak3 - after))
