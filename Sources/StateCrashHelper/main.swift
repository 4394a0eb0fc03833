// StateCrashHelper: commits batches to a state database in a loop, for the crash test.
//
//     StateCrashHelper DB_PATH BATCH_SIZE MAX_BATCHES [LARGE_EVERY]
//
// Each batch commits, in one `commitBatch` transaction, one audit row and one cache entry per
// event (sequences continuing from the checkpoint) and a checkpoint of source "crash-input"
// whose inputLine is the total number of events. Every LARGE_EVERY-th batch is 50 times
// larger, so that it takes long enough for a kill to land inside its transaction. It resumes
// from an existing checkpoint and prints, unbuffered:
//     ready <line>            after opening (the checkpoint it resumes from)
//     begin <line>            before a commit that will move the checkpoint to <line>
//     committed <line>        after that commit returned
// Exits after MAX_BATCHES batches.

import Foundation
import RuntimeState

/// Writes a line to standard output at once (unbuffered), so nothing acknowledged is lost at the kill.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard (4...5).contains(arguments.count), let batchSize = Int(arguments[2]), let maxBatches = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: StateCrashHelper DB_PATH BATCH_SIZE MAX_BATCHES [LARGE_EVERY]\n".utf8))
    exit(2)
}
let largeEvery = arguments.count == 5 ? Int(arguments[4]) ?? 0 : 0
do {
    let store = try StateStore(path: arguments[1])
    var line = try store.checkpoint(for: "crash-input")?.inputLine ?? 0
    say("ready \(line)")
    for batch in 1...max(1, maxBatches) {
        let size = largeEvery > 0 && batch % largeEvery == 0 ? batchSize * 50 : batchSize
        let now = Date()
        var audit: [AuditRecord] = []
        var cache: [CacheEntry] = []
        audit.reserveCapacity(size)
        cache.reserveCapacity(size)
        for _ in 0..<size {
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
        say("begin \(line)")
        try store.commitBatch(checkpoint: checkpoint, audit: audit, cache: cache)
        say("committed \(line)")
    }
    say("done \(line)")
} catch {
    FileHandle.standardError.write(Data("StateCrashHelper: \(error)\n".utf8))
    exit(1)
}
