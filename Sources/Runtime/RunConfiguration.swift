import Foundation
import Planner

/// Where events come from, where they go, and how the run is shaped.
public struct RunConfiguration: Sendable {
    public enum Input: Sendable, Equatable {
        case standardInput
        case file(String)
        /// Events accepted over HTTP (`--serve`); the run goes on until stopped.
        case queue(EventQueue)

        public static func == (lhs: Input, rhs: Input) -> Bool {
            switch (lhs, rhs) {
            case (.standardInput, .standardInput): true
            case (.file(let a), .file(let b)): a == b
            case (.queue(let a), .queue(let b)): a === b
            default: false
            }
        }
    }

    public enum Output: Sendable, Equatable {
        case standardOutput
        case file(String)
        /// The state file's outbox, delivered by a webhook sink.
        case outbox(SinkOutbox)

        public static func == (lhs: Output, rhs: Output) -> Bool {
            switch (lhs, rhs) {
            case (.standardOutput, .standardOutput): true
            case (.file(let a), .file(let b)): a == b
            case (.outbox(let a), .outbox(let b)): a === b
            default: false
            }
        }
    }

    public var input: Input
    public var output: Output
    public var deadLetterPath: String
    /// Keep output in input order (default) or write events as they finish.
    public var ordered = true
    /// Most events read but not yet written; the reader waits beyond it (backpressure).
    public var maxInFlight = 8192
    /// Events handed to a worker at once.
    public var batchSize = 256
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Ignore an earlier run's checkpoint and start from the first line.
    public var fromStart = false
    /// Longest input line kept whole; longer lines go to the dead letter, cut there.
    public var maxLineBytes = 16 << 20

    public init(input: Input, output: Output, deadLetterPath: String) {
        self.input = input
        self.output = output
        self.deadLetterPath = deadLetterPath
    }
}

extension RunConfiguration {
    /// How many batches to work on at once for `plan` when the user does not say.
    ///
    /// - A plan whose agents all run in-process gets two workers per core. A worker whose
    ///   finished batch waits its turn at the ordered writer leaves its thread idle; a
    ///   second worker per core keeps the cores busy (the martech-local benchmark: 2 workers
    ///   188,823 events/s, 4 workers 213,528 in the same rounds on 2 cores).
    /// - A served plan with `http`, `process` or `local_llm` agents gets `maxInFlight / 32`
    ///   (at most 1,024): events posted at their own pace are few per batch, and every batch
    ///   waiting on a slow call must be covered.
    /// - Any other plan that awaits calls gets one worker per core: a file or stdin is read
    ///   as fast as batches are taken, so more workers only admit events to queue behind
    ///   each other past their deadline (the martech sample: p99 177 ms with 2 workers,
    ///   905 ms with 256).
    public static func defaultWorkers(for plan: Plan, served: Bool, maxInFlight: Int) -> Int {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let awaits = plan.agents.contains { ["http", "process", "local_llm"].contains($0.kind) }
        guard awaits else { return 2 * cores }
        return served ? max(cores, min(1024, maxInFlight / 32)) : cores
    }
}
