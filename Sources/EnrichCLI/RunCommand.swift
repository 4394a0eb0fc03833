import ArgumentParser
import Agents
import AsyncHTTPClient
import Connectors
import EventJSON
import Foundation
import NetworkAgents
import Planner
import Runtime
import Synchronization
import RuntimeState

/// `enrich run FILE|PLAN`: enriches a stream of JSON Lines events.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Enrich a stream of JSON Lines events with a pipeline or a compiled plan.",
        discussion: """
            Reads one JSON object per line, runs the plan's agents for each event (each agent \
            starting as soon as its inputs are ready), and writes the event with its enriched \
            fields and an `_enrichment` object (status complete, partial or failed, and each \
            agent's outcome). Malformed lines and events that fail under `fallback: fail` go \
            to the dead-letter file with the reason: nothing is dropped silently.

            With a file as input and as output, progress is checkpointed in the state file \
            after every written batch: a run that is killed (even with SIGKILL) and started \
            again resumes after the last checkpoint, cutting the output back to it, so no \
            event is lost or written twice. SIGINT and SIGTERM finish the events in flight, \
            checkpoint them and stop. With standard output the delivery is at least once.

            Relative paths in the pipeline (tables, databases) resolve against the current \
            directory, or --base-dir.

            HTTP INGEST (--serve HOST:PORT, or the pipeline's `source: {type: http, listen: ...}`)
              POST /v1/events takes one JSON object, a JSON array of objects, or NDJSON. \
            202 {"accepted": n, "first_id": id} means every event of the request is in the \
            state file's queue (it survives a kill). 400 {"error", "line", "column"} names the \
            first bad event and queues none of the request (all or nothing). 413 over \
            --max-body-bytes (the body is not read past it). 429 while --max-queued events wait \
            unprocessed; 503 (Retry-After) while --max-concurrent-requests requests are being \
            read, and once shutting down. GET /healthz: 200 with the queue depth (503 while \
            draining). GET /metrics: Prometheus text (events in and out, statuses, latency \
            summaries per agent, agent outcomes, queue depth, webhook counters). Queued events \
            leave the queue once their output is committed: at least once across restarts. \
            Port 0 picks a free port; the bound address is printed on standard error.

            WEBHOOK SINK (--webhook URL, or the pipeline's `sink: {type: webhook, url: ...}`)
              Enriched events go into the state file's outbox in the same transaction as their \
            batch's checkpoint, then are POSTed as a JSON array of at most --sink-batch-size \
            events (a partial batch waits up to --sink-linger). Each event carries a stable \
            `_idempotency_key` (STATE-INSTANCE-INPUT-LINE), and the `Idempotency-Key` header \
            lists the batch's keys, comma-separated: receivers dedupe by them. An event leaves \
            the outbox only after a 2xx. 5xx, 408, 429, timeouts and connection errors are \
            retried with exponential backoff and jitter; a batch still failing after \
            --sink-max-attempts, or answered with another 4xx, goes to the webhook dead-letter \
            file with the reason. A restart (even after SIGKILL) re-sends what was not \
            acknowledged: delivery is at least once. The run waits while --max-undelivered \
            events are in the outbox.

            EXIT STATUS
              0    every line was processed (some may be in the dead-letter file)
              1    the pipeline has errors (printed as `enrich lint` prints them)
              2    usage error, unreadable or corrupt file, an agent that cannot be set up,
                   or an address that cannot be served
              130  stopped by SIGINT (in-flight events finished and checkpointed)
              143  stopped by SIGTERM (likewise)

            EXAMPLES
              enrich run samples/martech-local.yaml --input events.jsonl --output enriched.jsonl
              enrich compile pipeline.yaml -o pipeline.plan && enrich run pipeline.plan < events.jsonl
            """
    )

    @Argument(help: ArgumentHelp("A pipeline file or a plan written by `enrich compile`.", valueName: "file"))
    var pipeline: String

    @Option(help: ArgumentHelp("Events to read, one JSON object per line (`-`: standard input).", valueName: "path"))
    var input = "-"

    @Option(help: ArgumentHelp("Where enriched events go (`-`: standard output).", valueName: "path"))
    var output = "-"

    @Option(help: ArgumentHelp("Where malformed lines and failed events go (default: OUTPUT.dead-letter.jsonl, or enrich-dead-letter.jsonl).", valueName: "path"))
    var deadLetter: String?

    @Option(help: ArgumentHelp("State file for the cache, dedup, audit trail and checkpoints (`:memory:` keeps nothing).", valueName: "path"))
    var state: String?

    @Flag(help: "Write events as they finish instead of in input order.")
    var unordered = false

    @Option(help: "Most events between reading and writing (backpressure).")
    var maxInFlight = 8192

    @Option(help: "Worker threads (default: one per core).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Events handed to a worker at once.")
    var batchSize = 256

    @Option(help: ArgumentHelp("Write the run's metrics (latency percentiles, outcomes, throughput) as JSON.", valueName: "path"))
    var metricsJSON: String?

    @Option(help: "Live progress line on standard error: auto (on a terminal), always or never.")
    var progress: ProgressChoice = .auto

    @Flag(help: "Ignore the checkpoint of an earlier run and start from the first line.")
    var fromStart = false

    @Option(help: ArgumentHelp("Directory that relative paths in the pipeline resolve against.", valueName: "dir"))
    var baseDir: String?

    @Option(help: ArgumentHelp("Accept events over HTTP on this address instead of reading --input (port 0: any free port).", valueName: "host:port"))
    var serve: String?

    @Option(help: "Largest accepted request body in bytes (413 beyond).")
    var maxBodyBytes = 4 << 20

    @Option(help: "Events waiting unprocessed in the ingest queue beyond which requests get 429.")
    var maxQueued = 100_000

    @Option(help: "Requests read at once beyond which requests get 503 (bounds memory).")
    var maxConcurrentRequests = 16

    @Option(help: ArgumentHelp("Deliver enriched events to this URL by batched POSTs instead of writing --output.", valueName: "url"))
    var webhook: String?

    @Option(help: "Most events in one webhook POST (default: the pipeline's sink batch_size, else 100; at most 1000).")
    var sinkBatchSize: Int?

    @Option(help: ArgumentHelp("How long a partial webhook batch waits for more events (default: the pipeline's sink linger, else 200ms).", valueName: "duration"))
    var sinkLinger: String?

    @Option(help: "Attempts per webhook batch before its events go to the webhook dead-letter file.")
    var sinkMaxAttempts = 8

    @Option(help: ArgumentHelp("Delay before the first webhook retry; doubles up to 10s, with jitter.", valueName: "duration"))
    var sinkBackoff = "200ms"

    @Option(help: ArgumentHelp("Timeout of one webhook request.", valueName: "duration"))
    var sinkTimeout = "10s"

    @Option(help: ArgumentHelp("Where undeliverable events go (default: the dead-letter path with .webhook before .jsonl).", valueName: "path"))
    var sinkDeadLetter: String?

    @Option(name: .customLong("sink-header"), help: ArgumentHelp("A header for every webhook POST, e.g. 'Authorization: Bearer ...' (repeatable).", valueName: "name: value"))
    var sinkHeaders: [String] = []

    @Option(help: "Events committed but not yet delivered beyond which the run waits for the webhook.")
    var maxUndelivered = 100_000

    enum ProgressChoice: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    func validate() throws {
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batchSize < 1 || batchSize > 65_536 { throw ValidationError("--batch-size must be between 1 and 65536") }
        if let serve { _ = try RunEndpoints.address(serve) }
        if serve != nil, input != "-" { throw ValidationError("--serve and --input both name the input; give one") }
        if webhook != nil, output != "-" { throw ValidationError("--webhook and --output both name the output; give one") }
        if maxBodyBytes < 2 { throw ValidationError("--max-body-bytes must be at least 2") }
        if maxQueued < 1 || maxConcurrentRequests < 1 || maxUndelivered < 1 {
            throw ValidationError("--max-queued, --max-concurrent-requests and --max-undelivered must be at least 1")
        }
        if let sinkBatchSize, sinkBatchSize < 1 || sinkBatchSize > 1000 { throw ValidationError("--sink-batch-size must be between 1 and 1000 (the Idempotency-Key header lists every key of a batch)") }
        if sinkMaxAttempts < 1 { throw ValidationError("--sink-max-attempts must be at least 1") }
        _ = try sinkHeaderPairs()
        if let sinkLinger { _ = try RunEndpoints.milliseconds(sinkLinger, option: "--sink-linger") }
        _ = try RunEndpoints.milliseconds(sinkBackoff, option: "--sink-backoff")
        _ = try RunEndpoints.milliseconds(sinkTimeout, option: "--sink-timeout")
    }

    func run() async throws {
        let plan = try PipelineCompilation.planOrPipeline(path: pipeline)
        let statePath = state ?? ".enrich/\(plan.pipeline).sqlite"
        // The pipeline's `source:`/`sink:` apply when no flag names the input or output.
        let listenText = serve ?? (input == "-" && plan.sourceEndpoint?.type == "http" ? plan.sourceEndpoint?.settings["listen"] : nil)
        let sinkSettings = plan.sinkEndpoint?.type == "webhook" && output == "-" ? plan.sinkEndpoint?.settings : nil
        let webhookURL = webhook ?? sinkSettings?["url"]
        let runState: SQLiteRunState
        do {
            // Serving answers 202 only for events that survive a power cut too.
            runState = try SQLiteRunState(path: statePath, durability: listenText != nil ? .full : .normal)
        } catch {
            throw PipelineCompilation.fail("\(error)")
        }
        let network = NetworkAgentProvider(plan: plan)
        let base = URL(fileURLWithPath: baseDir ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        let calls = PipelineAgentCalls(inProcess: InProcessAgentCalls(baseDirectory: base), network: network)
        let runner: EventStreamRunner
        do {
            runner = try EventStreamRunner(plan: plan, calls: calls, codec: JSONLinesCodec(plan: plan), state: runState, cachePersistence: runState)
        } catch {
            await network.shutdown()
            throw PipelineCompilation.fail("\(error)")
        }
        let deadLetterPath = deadLetter ?? (output == "-" ? "enrich-dead-letter.jsonl" : output + ".dead-letter.jsonl")
        var configuration = RunConfiguration(
            input: input == "-" ? .standardInput : .file(input),
            output: output == "-" ? .standardOutput : .file(output),
            deadLetterPath: deadLetterPath)
        configuration.ordered = !unordered
        configuration.maxInFlight = maxInFlight
        configuration.workers = workers
        configuration.batchSize = batchSize
        configuration.fromStart = fromStart

        let stop = StopFlag()
        let signalSources = stop.watchSignals()
        let endpoints: RunEndpoints
        let listen = try listenText.map { try RunEndpoints.address($0) }
        do {
            endpoints = try makeEndpoints(
                plan: plan, store: runState.store, configuration: &configuration, listen: listen, webhookURL: webhookURL,
                sinkSettings: sinkSettings, deadLetterPath: deadLetterPath, signals: stop)
        } catch {
            await network.shutdown()
            throw PipelineCompilation.fail("\(error)")
        }
        endpoints.start(signals: stop, listen: listen)
        let showProgress = progress == .always || (progress == .auto && isatty(STDERR_FILENO) != 0)
        let started = Date()
        var reporter: (@Sendable (Int, Int, RunMetrics) -> Void)?
        if showProgress {
            reporter = { events, inFlight, metrics in
                endpoints.live.withLock { $0 = (metrics, events) }
                let rate = Double(events) / max(0.001, Date().timeIntervalSince(started))
                let line = RunSummary.progressLine(events: events, inFlight: inFlight, eventsPerSecond: rate, metrics: metrics)
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            }
        } else if endpoints.server != nil {
            reporter = { events, _, metrics in endpoints.live.withLock { $0 = (metrics, events) } }
        }
        let summary: RunSummary
        do {
            summary = try await runner.run(configuration, stop: endpoints.runStop, progress: reporter)
        } catch {
            await endpoints.finish()
            await network.shutdown()
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            throw PipelineCompilation.fail("\(error)")
        }
        await endpoints.finish()
        await network.shutdown()
        _ = signalSources
        if let problem = endpoints.failure.withLock({ $0 }) { throw PipelineCompilation.fail(problem) }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        let order = plan.agents.map(\.name)
        FileHandle.standardError.write(Data(summary.text(agentOrder: order).utf8))
        if let sink = endpoints.sink {
            let stats = sink.stats
            let pending = (try? runState.store.outboxCount()) ?? 0
            FileHandle.standardError.write(Data("webhook: \(stats.delivered) delivered, \(stats.deadLettered) dead-lettered (\(sink.options.deadLetterPath)), \(pending) left in the outbox for the next start\n".utf8))
        }
        if let metricsJSON {
            var bytes: [UInt8] = []
            JSONWriter.write(summary.metrics.json(elapsedSeconds: summary.elapsedSeconds, agentOrder: order), into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: metricsJSON))
            } catch {
                throw PipelineCompilation.fail("cannot write \(metricsJSON): \(error.localizedDescription)")
            }
        }
        if let signal = summary.interruptedBy { throw ExitCode(128 + signal) }
    }

    /// `--sink-header` values as (name, value) pairs.
    private func sinkHeaderPairs() throws -> [(name: String, value: String)] {
        try sinkHeaders.map { text in
            guard let colon = text.firstIndex(of: ":"), !text[..<colon].trimmingCharacters(in: .whitespaces).isEmpty,
                text[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else {
                throw ValidationError("--sink-header takes `Name: value` (got `\(text)`)")
            }
            return (String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// The ingest server and webhook sink the options ask for, with the run's input and output set to them.
    private func makeEndpoints(
        plan: Plan, store: StateStore, configuration: inout RunConfiguration, listen: (host: String, port: Int)?, webhookURL: String?,
        sinkSettings: [String: String]?, deadLetterPath: String, signals: StopFlag
    ) throws -> RunEndpoints {
        var server: IngestServer?
        let runStop = listen == nil ? signals : StopFlag()
        var sink: WebhookSink?
        var client: HTTPClient?
        let order = plan.agents.map(\.name)
        let holder = Mutex<RunEndpoints?>(nil)
        if let listen {
            let queue = try EventQueue(store: store)
            configuration.input = .queue(queue)
            var limits = IngestLimits()
            limits.maxBodyBytes = maxBodyBytes
            limits.maxQueued = maxQueued
            limits.maxConcurrentRequests = maxConcurrentRequests
            server = IngestServer(queue: queue, host: listen.host, port: listen.port, limits: limits) {
                holder.withLock { $0 }?.metricsText(agentOrder: order) ?? ""
            }
        }
        if let webhookURL {
            guard let url = URL(string: webhookURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("the webhook URL `\(webhookURL)` is not an http(s) URL")
            }
            let prefix = try store.instanceName() + "-" + RunEndpoints.keyTag(for: configuration.input) + "-"
            let outbox = SinkOutbox(keyPrefix: prefix, limit: maxUndelivered, pending: try store.outboxCount())
            configuration.output = .outbox(outbox)
            let sinkDeadLetterPath = sinkDeadLetter ?? (deadLetterPath.hasSuffix(".jsonl") ? String(deadLetterPath.dropLast(6)) + ".webhook.jsonl" : deadLetterPath + ".webhook")
            var options = WebhookOptions(url: webhookURL, deadLetterPath: sinkDeadLetterPath)
            options.batchSize = sinkBatchSize ?? sinkSettings?["batch_size"].flatMap { Int($0) } ?? 100
            options.lingerMilliseconds = try RunEndpoints.milliseconds(sinkLinger ?? sinkSettings?["linger"] ?? "200ms", option: "--sink-linger")
            options.maxAttempts = sinkMaxAttempts
            options.backoffMilliseconds = try RunEndpoints.milliseconds(sinkBackoff, option: "--sink-backoff")
            options.timeoutMilliseconds = try RunEndpoints.milliseconds(sinkTimeout, option: "--sink-timeout")
            options.headers = try sinkHeaderPairs()
            // A redirect is an answer to judge (a 3xx goes to the dead letter), never a POST silently re-sent elsewhere.
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.redirectConfiguration = .disallow
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            client = http
            sink = WebhookSink(store: store, outbox: outbox, options: options, client: http)
        }
        let endpoints = RunEndpoints(server: server, sink: sink, client: client, runStop: runStop)
        holder.withLock { $0 = endpoints }
        return endpoints
    }
}
