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
    /// - A served plan with `http`, `process` or `local_llm` agents gets `maxInFlight / 32`
    ///   (at most 1,024): events posted at their own pace are few per batch, and every batch
    ///   waiting on a slow call must be covered.
    /// - Any other plan gets one worker per core. A file or stdin is read as fast as batches
    ///   are taken, so more workers only admit events to queue behind each other past their
    ///   deadline (the martech sample: p99 177 ms with 2 workers, 905 ms with 256). For
    ///   in-process plans two per core was tried: in five RuntimeBenchmark invocations it
    ///   gave +14%, +5%, 0%, -1% and -5% events/s at more CPU per event, so it was not kept.
    public static func defaultWorkers(for plan: Plan, served: Bool, maxInFlight: Int) -> Int {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let awaits = plan.agents.contains { ["http", "process", "local_llm"].contains($0.kind) }
        return served && awaits ? max(cores, min(1024, maxInFlight / 32)) : cores
    }
}
