import ArgumentParser
import Foundation
import Planner
import Runtime

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

    @Option(help: "Batches worked on at once (default: one per core; with --serve and http, process or local_llm agents, max-in-flight / 32, so batches waiting on slow calls do not hold up the rest).")
    public var workers: Int?

    /// The workers for `plan`: `--workers`, or ``RunConfiguration/defaultWorkers(for:served:maxInFlight:)``.
    public func workers(for plan: Plan) -> Int {
        workers ?? RunConfiguration.defaultWorkers(for: plan, served: serve != nil, maxInFlight: maxInFlight)
    }

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

    @Option(help: ArgumentHelp("Directory holding the bundled sidecars (hf_sentiment.py) for `local_llm` agents without `command:`.", valueName: "dir"))
    public var sidecarDir: String?

    @Option(
        name: .customLong("process-command"),
        help: ArgumentHelp("Run a process or local_llm agent's child as COMMAND (words split at spaces) instead of its own; repeatable.", valueName: "agent=command"))
    public var processCommands: [String] = []

    @Option(help: ArgumentHelp("Accept events over HTTP on this address instead of reading --input (port 0: any free port).", valueName: "host:port"))
    public var serve: String?

    @Option(help: "Largest accepted request body in bytes (413 beyond).")
    public var maxBodyBytes = 4 << 20

    @Option(help: "Events waiting unprocessed in the ingest queue beyond which requests get 429.")
    public var maxQueued = 100_000

    @Option(help: "Requests read at once beyond which requests get 503 (bounds memory).")
    public var maxConcurrentRequests = 16

    @Option(help: ArgumentHelp("Deliver enriched events to this URL by batched POSTs instead of writing --output.", valueName: "url"))
    public var webhook: String?

    @Option(help: "Most events in one webhook POST (default: the pipeline's sink batch_size, else 100; at most 1000).")
    public var sinkBatchSize: Int?

    @Option(help: ArgumentHelp("How long a partial webhook batch waits for more events (default: the pipeline's sink linger, else 200ms).", valueName: "duration"))
    public var sinkLinger: String?

    @Option(help: "Attempts per webhook batch before its events go to the webhook dead-letter file.")
    public var sinkMaxAttempts = 8

    @Option(help: ArgumentHelp("Delay before the first webhook retry; doubles up to 10s, with jitter.", valueName: "duration"))
    public var sinkBackoff = "200ms"

    @Option(help: ArgumentHelp("Timeout of one webhook request.", valueName: "duration"))
    public var sinkTimeout = "10s"

    @Option(help: ArgumentHelp("Where undeliverable events go (default: the dead-letter path with .webhook before .jsonl).", valueName: "path"))
    public var sinkDeadLetter: String?

    @Option(name: .customLong("sink-header"), help: ArgumentHelp("A header for every webhook POST, e.g. 'Authorization: Bearer ...' (repeatable).", valueName: "name: value"))
    public var sinkHeaders: [String] = []

    @Option(help: "Events committed but not yet delivered beyond which the run waits for the webhook.")
    public var maxUndelivered = 100_000

    public enum ProgressChoice: String, ExpressibleByArgument, CaseIterable, Sendable { case auto, always, never }

    public init() {}

    public func validate() throws {
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batchSize < 1 || batchSize > 65_536 { throw ValidationError("--batch-size must be between 1 and 65536") }
        if let injectFaults, FaultSpecification(injectFaults) == nil {
            throw ValidationError("--inject-faults takes SEED:RATE, a whole number and a share between 0 and 1 (e.g. 42:0.2)")
        }
        if let serve { _ = try RunEndpoints.address(serve) }
        if serve != nil, input != "-" { throw ValidationError("--serve and --input both name the input; give one") }
        if webhook != nil, output != "-" { throw ValidationError("--webhook and --output both name the output; give one") }
        if maxBodyBytes < 2 { throw ValidationError("--max-body-bytes must be at least 2") }
        if maxQueued < 1 || maxConcurrentRequests < 1 || maxUndelivered < 1 {
            throw ValidationError("--max-queued, --max-concurrent-requests and --max-undelivered must be at least 1")
        }
        if let sinkBatchSize, sinkBatchSize < 1 || sinkBatchSize > 1000 { throw ValidationError("--sink-batch-size must be between 1 and 1000 (the Idempotency-Key header lists every key of a batch)") }
        _ = try sinkHeaderPairs()
        if sinkMaxAttempts < 1 { throw ValidationError("--sink-max-attempts must be at least 1") }
        if let sinkLinger { _ = try RunEndpoints.milliseconds(sinkLinger, option: "--sink-linger") }
        _ = try RunEndpoints.milliseconds(sinkBackoff, option: "--sink-backoff")
        _ = try RunEndpoints.milliseconds(sinkTimeout, option: "--sink-timeout")
        for item in processCommands where Self.splitCommand(item) == nil {
            throw ValidationError("--process-command takes AGENT=COMMAND, e.g. `sentiment=python3 samples/sidecars/standin_sentiment.py`; got `\(item)`")
        }
    }

    /// `--sink-header` values as (name, value) pairs.
    func sinkHeaderPairs() throws -> [(name: String, value: String)] {
        try sinkHeaders.map { text in
            guard let colon = text.firstIndex(of: ":"), !text[..<colon].trimmingCharacters(in: .whitespaces).isEmpty,
                text[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else {
                throw ValidationError("--sink-header takes `Name: value` (got `\(text)`)")
            }
            return (String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// `name=word word...` split into the agent's name and the command's words.
    static func splitCommand(_ item: String) -> (agent: String, command: [String])? {
        guard let equals = item.firstIndex(of: "=") else { return nil }
        let agent = String(item[..<equals]).trimmingCharacters(in: .whitespaces)
        let command = item[item.index(after: equals)...].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        return agent.isEmpty || command.isEmpty ? nil : (agent, command)
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
