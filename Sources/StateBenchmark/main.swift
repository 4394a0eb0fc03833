// StateBenchmark: cost of the runtime's state operations on SQLite, per row, in batches.
//
//     swift run -c release StateBenchmark [--batch 1000] [--batches 50] [--runs 5] [--dir /tmp]
//
// For a file database (WAL, synchronous=NORMAL, created fresh in --dir) and for ":memory:",
// each run opens a new store and times, per batch of --batch rows (building the records is
// not timed):
//   - audit append       appendAudit of new rows
//   - cache store (new)  storeCache of new keys
//   - cache store (upd)  storeCache over existing keys (upsert path)
//   - cache lookup       lookupCache, every key a hit
//   - cache lookup miss  lookupCache, every key a miss
//   - dedup (new)        checkAndRecordDedup, every key new (insert + prune)
//   - dedup (dup)        checkAndRecordDedup, every key a duplicate
//   - dedup (origins)    checkAndRecordDedup with origins, every key new
//   - commitBatch        audit + cache rows + checkpoint in one transaction (per event)
// and prints µs per row (per key for lookups and dedup): the median and the minimum over
// runs of elapsed time, and the median of process CPU time. Runs of the two backends
// alternate. On a shared machine the minimum is the steadiest figure; a median well above
// the CPU time means the process was waiting for a core.

import Foundation
import RuntimeState

struct Options {
    var batch = 1000
    var batches = 50
    var runs = 5
    var directory = "/tmp"
}

var options = Options()
var argumentIterator = CommandLine.arguments.dropFirst().makeIterator()
while let argument = argumentIterator.next() {
    func value() -> String {
        guard let value = argumentIterator.next() else {
            FileHandle.standardError.write(Data("missing value for \(argument)\n".utf8)); exit(2)
        }
        return value
    }
    switch argument {
    case "--batch": options.batch = Int(value()) ?? options.batch
    case "--batches": options.batches = Int(value()) ?? options.batches
    case "--runs": options.runs = Int(value()) ?? options.runs
    case "--dir": options.directory = value()
    default:
        FileHandle.standardError.write(Data("usage: StateBenchmark [--batch N] [--batches N] [--runs N] [--dir DIR]\n".utf8))
        exit(2)
    }
}

let operations = [
    "audit append", "cache store (new)", "cache store (upd)", "cache lookup (hit)",
    "cache lookup (miss)", "dedup (new)", "dedup (dup)", "dedup (origins)", "commitBatch (per event)",
]

/// Wall-clock and process CPU seconds of one timed call.
struct Cost {
    var wall = 0.0
    var cpu = 0.0
    static func += (lhs: inout Cost, rhs: Cost) { lhs.wall += rhs.wall; lhs.cpu += rhs.cpu }
}

func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func seconds(_ body: () throws -> Void) rethrows -> Cost {
    let cpuStart = processCPUSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Cost(wall: wall, cpu: processCPUSeconds() - cpuStart)
}

/// One run on a fresh store: total seconds per operation.
func run(path: String, options: Options) throws -> [String: Cost] {
    if path != ":memory:" {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    let store = try StateStore(path: path)
    let n = options.batch
    var totals: [String: Cost] = [:]
    let base = Date()
    var sequence: Int64 = 0
    let agents = [
        AgentOutcome(agent: "crm_lookup", outcome: .cached, attempts: 1, latencyMicros: 4_000),
        AgentOutcome(agent: "sentiment", outcome: .ok, attempts: 1, latencyMicros: 812),
    ]
    let value = #"{"segment":"high_value","score":0.93,"region":"EMEA"}"#
    for b in 0..<options.batches {
        let now = base.addingTimeInterval(Double(b))
        let keys = (0..<n).map { "user-\(b)-\($0)" }
        let missingKeys = (0..<n).map { "absent-\(b)-\($0)" }
        let audit: [AuditRecord] = (0..<n).map { _ in
            sequence += 1
            return AuditRecord(eventID: "evt-\(sequence)", sequence: sequence, status: .complete, agents: agents, totalLatencyMicros: 5_100, timestamp: now)
        }
        let entries = keys.map { CacheEntry(agent: "crm_lookup", key: $0, value: value, storedAt: now, ttl: 300) }
        let dedupKeys = (0..<n).map { "dedup-\(b)-\($0)" }
        let originKeys = (0..<n).map { "dedup-o-\(b)-\($0)" }
        let origins = (0..<n).map { "\(b * n + $0)" }

        totals["audit append", default: Cost()] += try seconds { try store.appendAudit(audit) }
        totals["cache store (new)", default: Cost()] += try seconds { try store.storeCache(entries) }
        totals["cache store (upd)", default: Cost()] += try seconds { try store.storeCache(entries) }
        var hits = 0
        totals["cache lookup (hit)", default: Cost()] += try seconds { hits = try store.lookupCache(agent: "crm_lookup", keys: keys, now: now).count }
        precondition(hits == n)
        totals["cache lookup (miss)", default: Cost()] += try seconds { hits = try store.lookupCache(agent: "crm_lookup", keys: missingKeys, now: now).count }
        precondition(hits == 0)
        var seen: [Bool] = []
        totals["dedup (new)", default: Cost()] += try seconds { seen = try store.checkAndRecordDedup(keys: dedupKeys, window: 3600, now: now) }
        precondition(!seen.contains(true))
        totals["dedup (dup)", default: Cost()] += try seconds { seen = try store.checkAndRecordDedup(keys: dedupKeys, window: 3600, now: now) }
        precondition(!seen.contains(false))
        totals["dedup (origins)", default: Cost()] += try seconds { seen = try store.checkAndRecordDedup(keys: originKeys, window: 3600, now: now, origins: origins) }

        let batchAudit: [AuditRecord] = audit.map { var r = $0; r.eventID += "-c"; return r }
        let batchCache = entries.map { var e = $0; e.key += "-c"; return e }
        let checkpoint = Checkpoint(source: "input.jsonl", fingerprint: "1:2", inputOffset: sequence * 615, inputLine: sequence, outputPath: "out.jsonl", outputLength: sequence * 700, deadLetterLength: 0, updatedAt: now)
        totals["commitBatch (per event)", default: Cost()] += try seconds { try store.commitBatch(checkpoint: checkpoint, audit: batchAudit, cache: batchCache) }
    }
    if path != ":memory:" {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    return totals
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let filePath = (options.directory as NSString).appendingPathComponent("enrich-state-bench-\(getpid()).sqlite")
let backends = [("file (WAL, NORMAL)", filePath), (":memory:", ":memory:")]
// backend → operation → µs per row, one sample per run. Runs of the two backends alternate,
// so that a change of load on a shared machine hits both alike.
var wall: [String: [String: [Double]]] = [:]
var cpu: [String: [String: [Double]]] = [:]
do {
    for (_, path) in backends { _ = try run(path: path, options: options) } // warm-up
    let rows = Double(options.batch * options.batches)
    for _ in 0..<options.runs {
        for (name, path) in backends {
            for (operation, total) in try run(path: path, options: options) {
                wall[name, default: [:]][operation, default: []].append(total.wall * 1e6 / rows)
                cpu[name, default: [:]][operation, default: []].append(total.cpu * 1e6 / rows)
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("StateBenchmark: \(error)\n".utf8))
    exit(1)
}

print("RuntimeState benchmark: batches of \(options.batch), \(options.batches) batches per run, \(options.runs) runs, µs per row")
func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
func lpad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }
print("median / minimum over runs of elapsed time, and median process CPU time (all threads)")
let columns = backends.flatMap { ["\($0.0) median", "min", "cpu"] }
print("| " + pad("operation", 24) + " | " + columns.map { lpad($0, 7) }.joined(separator: " | ") + " |")
print("|" + String(repeating: "-", count: 26) + "|" + columns.map { String(repeating: "-", count: max(7, $0.count) + 1) + ":" }.joined(separator: "|") + "|")
for operation in operations {
    let cells = backends.flatMap { backend -> [String] in
        let samples = wall[backend.0]?[operation] ?? [.nan]
        let cpuSamples = cpu[backend.0]?[operation] ?? [.nan]
        return [median(samples), samples.min() ?? .nan, median(cpuSamples)].map { String(format: "%.2f", $0) }
    }
    print("| " + pad(operation, 24) + " | " + zip(cells, columns).map { lpad($0, max(7, $1.count)) }.joined(separator: " | ") + " |")
}
