// StateCrashHelper: commits batches to a state database in a loop, for the crash test.
//
//     StateCrashHelper DB_PATH BATCH_SIZE MAX_BATCHES
//
// Each batch commits, in one `commitBatch` transaction, BATCH_SIZE audit rows (sequences
// continuing from the checkpoint), BATCH_SIZE cache entries and a checkpoint of source
// "crash-input" whose inputLine is the total number of audit rows. It resumes from an
// existing checkpoint, and prints "committed <inputLine>" after each commit, so the test
// knows a lower bound of what must survive a SIGKILL. Exits after MAX_BATCHES batches.

import Foundation
import RuntimeState

setvbuf(stdout, nil, _IOLBF, 0)
let arguments = CommandLine.arguments
guard arguments.count == 4, let batchSize = Int(arguments[2]), let maxBatches = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: StateCrashHelper DB_PATH BATCH_SIZE MAX_BATCHES\n".utf8))
    exit(2)
}
do {
    let store = try StateStore(path: arguments[1])
    var line = try store.checkpoint(for: "crash-input")?.inputLine ?? 0
    print("ready \(line)")
    for _ in 0..<maxBatches {
        let now = Date()
        var audit: [AuditRecord] = []
        var cache: [CacheEntry] = []
        for _ in 0..<batchSize {
            line += 1
            audit.append(AuditRecord(
                eventID: "evt-\(line)", sequence: line, status: .complete,
                agents: [AgentOutcome(agent: "crm_lookup", outcome: .ok, attempts: 1, latencyMicros: 100)],
                totalLatencyMicros: 150, timestamp: now))
            cache.append(CacheEntry(agent: "crm_lookup", key: "user-\(line)", value: "{\"line\":\(line)}", storedAt: now, ttl: 300))
        }
        let checkpoint = Checkpoint(
            source: "crash-input", fingerprint: "0:0", inputOffset: line * 100, inputLine: line,
            outputPath: "/dev/null", outputLength: line * 120, deadLetterLength: 0, updatedAt: now)
        try store.commitBatch(checkpoint: checkpoint, audit: audit, cache: cache)
        print("committed \(line)")
    }
    print("done \(line)")
} catch {
    FileHandle.standardError.write(Data("StateCrashHelper: \(error)\n".utf8))
    exit(1)
}
