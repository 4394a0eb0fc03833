import Foundation

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
