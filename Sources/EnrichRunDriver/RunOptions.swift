import ArgumentParser
import Foundation

/// The options of a run, shared by `enrich run` and every generated pipeline binary.
public struct RunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Events to read, one JSON object per line (`-`: standard input).", valueName: "path"))
    public var input = "-"

    @Option(help: ArgumentHelp("Where enriched events go (`-`: standard output).", valueName: "path"))
    public var output = "-"

    @Option(help: ArgumentHelp("Where malformed lines and failed events go (default: OUTPUT.dead-letter.jsonl, or enrich-dead-letter.jsonl).", valueName: "path"))
    public var deadLetter: String?

    @Option(help: ArgumentHelp("State file for the cache, dedup, audit trail and checkpoints (`:memory:` keeps nothing).", valueName: "path"))
    public var state: String?

    @Flag(help: "Write events as they finish instead of in input order.")
    public var unordered = false

    @Option(help: "Most events between reading and writing (backpressure).")
    public var maxInFlight = 8192

    @Option(help: "Worker threads (default: one per core).")
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Events handed to a worker at once.")
    public var batchSize = 256

    @Option(help: ArgumentHelp("Write the run's metrics (latency percentiles, outcomes, throughput) as JSON.", valueName: "path"))
    public var metricsJSON: String?

    @Option(help: "Live progress line on standard error: auto (on a terminal), always or never.")
    public var progress: ProgressChoice = .auto

    @Flag(help: "Ignore the checkpoint of an earlier run and start from the first line.")
    public var fromStart = false

    @Option(help: ArgumentHelp("Directory that relative paths in the pipeline resolve against.", valueName: "dir"))
    public var baseDir: String?

    @Option(
        help: ArgumentHelp(
            "Testing: make agent calls fail on purpose, deterministically (SEED:RATE, e.g. 42:0.2; half the failures are retryable). Use --workers 1 --batch-size 1 for the same outcomes on every run.",
            valueName: "seed:rate"))
    public var injectFaults: String?

    public enum ProgressChoice: String, ExpressibleByArgument, CaseIterable, Sendable { case auto, always, never }

    public init() {}

    public func validate() throws {
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batchSize < 1 || batchSize > 65_536 { throw ValidationError("--batch-size must be between 1 and 65536") }
        if let injectFaults, FaultSpecification(injectFaults) == nil {
            throw ValidationError("--inject-faults takes SEED:RATE, a whole number and a share between 0 and 1 (e.g. 42:0.2)")
        }
    }
}

/// `--inject-faults SEED:RATE`, parsed.
struct FaultSpecification {
    let seed: UInt64
    let rate: Double

    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let seed = UInt64(parts[0]), let rate = Double(parts[1]), (0...1).contains(rate) else { return nil }
        self.seed = seed
        self.rate = rate
    }
}
