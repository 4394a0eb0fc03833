import Foundation
import GRDB

extension StateStore {
    /// Commits one processed batch atomically: its audit rows, the cache entries its agents
    /// produced, its enriched events for the webhook sink's outbox, and the checkpoint after
    /// it — all in one transaction, or (on any error) none of it, the previous checkpoint
    /// staying in force.
    ///
    /// The runtime calls this after the batch's output and dead-letter bytes are written and
    /// flushed, with `checkpoint` recording their lengths. A SIGKILL before the commit leaves
    /// the previous batch's state; after it, this one's; never a mix.
    public func commitBatch(checkpoint: Checkpoint?, audit: [AuditRecord] = [], cache: [CacheEntry] = [], outbox: [OutboxEntry] = []) throws {
        if checkpoint == nil && audit.isEmpty && cache.isEmpty && outbox.isEmpty { return }
        try write("batch commit") { db in
            if !audit.isEmpty { try insertAudit(audit, db) }
            if !cache.isEmpty { try insertCache(cache, db) }
            if !outbox.isEmpty { try insertOutbox(outbox, db) }
            if let checkpoint { try upsertCheckpoint(checkpoint, db) }
        }
    }
}
