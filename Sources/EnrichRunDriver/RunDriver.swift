import Agents
import ArgumentParser
import AsyncHTTPClient
import Connectors
import EventJSON
import Foundation
import NetworkAgents
import Planner
import ProcessAgents
import Runtime
import RuntimeState
import Synchronization

/// Runs a plan over events as `enrich run` does: the same code for the interpreter and
/// for generated pipeline binaries, so both take the same options and behave the same.
public enum RunDriver {
    /// Sets the agents up, runs every event through the interpreter (or `makeProcessor`'s
    /// processor), prints the summary and writes the metrics.
    ///
    /// Input is a file, standard input or HTTP ingest (`--serve`); output a file, standard
    /// output or a webhook. Errors are printed as `TOOL: error: message` and thrown as exit
    /// code 2; a run stopped by a signal throws 128 + the signal number.
    public static func run(
        plan: Plan, options: RunOptions, toolName: String = "enrich", functions: FunctionRegistry = .builtIn,
        makeProcessor: (@Sendable (PreparedPipeline) -> any EventProcessor)? = nil
    ) async throws {
        func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("\(toolName): error: \(message)\n".utf8))
            return ExitCode(2)
        }
        let statePath = options.state ?? ".enrich/\(plan.pipeline).sqlite"
        // The pipeline's `source:`/`sink:` apply when no flag names the input or output.
        let listenText = options.serve
            ?? (options.input == "-" && plan.sourceEndpoint?.type == "http" ? plan.sourceEndpoint?.settings["listen"] : nil)
        let sinkSettings = plan.sinkEndpoint?.type == "webhook" && options.output == "-" ? plan.sinkEndpoint?.settings : nil
        let webhookURL = options.webhook ?? sinkSettings?["url"]
        let runState: SQLiteRunState
        do {
            // Serving answers 202 only for events that survive a power cut too.
            runState = try SQLiteRunState(path: statePath, durability: listenText != nil ? .full : .normal)
        } catch {
            throw fail("\(error)")
        }
        let network = NetworkAgentProvider(plan: plan)
        let base = URL(fileURLWithPath: options.baseDir ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        let processes: ProcessAgentProvider
        do {
            processes = try ProcessAgentProvider(
                plan: plan, options: processOptions(options, plan: plan, base: base), environment: ProcessInfo.processInfo.environment)
        } catch {
            await network.shutdown()
            throw fail("\(error)")
        }
        @Sendable func stopAgents() async {
            await processes.shutdown()
            await network.shutdown()
        }
        var calls: any AgentCallProvider = PipelineAgentCalls(
            inProcess: InProcessAgentCalls(baseDirectory: base, functions: functions), network: network, processes: processes)
        if let text = options.injectFaults, let faults = FaultSpecification(text) {
            calls = FaultInjectingCalls(wrapping: calls, seed: faults.seed, rate: faults.rate)
        }
        let runner: EventStreamRunner
        do {
            try await processes.start()
            let prepared = try PreparedPipeline(plan: plan, calls: calls, cachePersistence: runState)
            let processor = makeProcessor?(prepared) ?? prepared.makeInterpreter()
            runner = EventStreamRunner(
                plan: plan, processor: processor, codec: JSONLinesCodec(plan: plan), state: runState, circuitReports: prepared.circuitReports)
        } catch {
            await stopAgents()
            throw fail("\(error)")
        }
        let deadLetterPath = options.deadLetter ?? (options.output == "-" ? "enrich-dead-letter.jsonl" : options.output + ".dead-letter.jsonl")
        var configuration = RunConfiguration(
            input: options.input == "-" ? .standardInput : .file(options.input),
            output: options.output == "-" ? .standardOutput : .file(options.output),
            deadLetterPath: deadLetterPath)
        configuration.ordered = !options.unordered
        configuration.maxInFlight = options.maxInFlight
        configuration.workers = options.workers(for: plan)
        configuration.batchSize = options.batchSize
        configuration.fromStart = options.fromStart

        let stop = StopFlag()
        let signalSources = stop.watchSignals()
        // The sources must outlive the run: `_ = signalSources` alone does not keep them in an
        // optimized build, and once they are freed SIGTERM is ignored (watchSignals sets SIG_IGN).
        defer { withExtendedLifetime(signalSources) {} }
        let endpoints: RunEndpoints
        do {
            let listen = try listenText.map { try RunEndpoints.address($0) }
            endpoints = try makeEndpoints(
                options, plan: plan, store: runState.store, configuration: &configuration, listen: listen, webhookURL: webhookURL,
                sinkSettings: sinkSettings, deadLetterPath: deadLetterPath, signals: stop)
            endpoints.start(signals: stop, listen: listen)
        } catch {
            await stopAgents()
            throw fail("\(error)")
        }
        let showProgress = options.progress == .always || (options.progress == .auto && isatty(STDERR_FILENO) != 0)
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
            await stopAgents()
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            throw fail("\(error)")
        }
        await endpoints.finish()
        await stopAgents()
        if let problem = endpoints.failure.withLock({ $0 }) { throw fail(problem) }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        let order = plan.agents.map(\.name)
        FileHandle.standardError.write(Data(summary.text(agentOrder: order).utf8))
        if let sink = endpoints.sink {
            let stats = sink.stats
            let pending = (try? runState.store.outboxCount()) ?? 0
            FileHandle.standardError.write(Data(
                "webhook: \(stats.delivered) delivered, \(stats.deadLettered) dead-lettered (\(sink.options.deadLetterPath)), \(pending) left in the outbox for the next start\n".utf8))
        }
        if let metricsJSON = options.metricsJSON {
            var bytes: [UInt8] = []
            JSONWriter.write(summary.metrics.json(elapsedSeconds: summary.elapsedSeconds, agentOrder: order), into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: metricsJSON))
            } catch {
                throw fail("cannot write \(metricsJSON): \(error.localizedDescription)")
            }
        }
        if let signal = summary.interruptedBy { throw ExitCode(128 + signal) }
    }

    /// Where process agents run, and the commands given for them on the command line.
    private static func processOptions(_ options: RunOptions, plan: Plan, base: URL) throws -> ProcessAgentProvider.Options {
        var result = ProcessAgentProvider.Options(baseDirectory: base.path, sidecarDirectory: options.sidecarDir)
        for item in options.processCommands {
            guard let (agent, command) = RunOptions.splitCommand(item) else { continue }
            guard let planned = plan.agents.first(where: { $0.name == agent }), ProcessAgentProvider.handles(kind: planned.kind) else {
                throw ValidationError("--process-command names `\(agent)`, which is not a process or local_llm agent of this pipeline")
            }
            result.commandOverrides[agent] = command
        }
        return result
    }

    /// The ingest server and webhook sink the options ask for, with the run's input and output set to them.
    private static func makeEndpoints(
        _ options: RunOptions, plan: Plan, store: StateStore, configuration: inout RunConfiguration, listen: (host: String, port: Int)?,
        webhookURL: String?, sinkSettings: [String: String]?, deadLetterPath: String, signals: StopFlag
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
            limits.maxBodyBytes = options.maxBodyBytes
            limits.maxQueued = options.maxQueued
            limits.maxConcurrentRequests = options.maxConcurrentRequests
            server = IngestServer(queue: queue, host: listen.host, port: listen.port, limits: limits) {
                holder.withLock { $0 }?.metricsText(agentOrder: order) ?? ""
            }
        }
        if let webhookURL {
            guard let url = URL(string: webhookURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("the webhook URL `\(webhookURL)` is not an http(s) URL")
            }
            let prefix = try store.instanceName() + "-" + RunEndpoints.keyTag(for: configuration.input) + "-"
            let outbox = SinkOutbox(keyPrefix: prefix, limit: options.maxUndelivered, pending: try store.outboxCount())
            configuration.output = .outbox(outbox)
            let sinkDeadLetterPath = options.sinkDeadLetter
                ?? (deadLetterPath.hasSuffix(".jsonl") ? String(deadLetterPath.dropLast(6)) + ".webhook.jsonl" : deadLetterPath + ".webhook")
            var webhook = WebhookOptions(url: webhookURL, deadLetterPath: sinkDeadLetterPath)
            webhook.batchSize = options.sinkBatchSize ?? sinkSettings?["batch_size"].flatMap { Int($0) } ?? 100
            webhook.lingerMilliseconds = try RunEndpoints.milliseconds(options.sinkLinger ?? sinkSettings?["linger"] ?? "200ms", option: "--sink-linger")
            webhook.maxAttempts = options.sinkMaxAttempts
            webhook.backoffMilliseconds = try RunEndpoints.milliseconds(options.sinkBackoff, option: "--sink-backoff")
            webhook.timeoutMilliseconds = try RunEndpoints.milliseconds(options.sinkTimeout, option: "--sink-timeout")
            webhook.headers = try options.sinkHeaderPairs()
            // A redirect is an answer to judge (a 3xx goes to the dead letter), never a POST silently re-sent elsewhere.
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.redirectConfiguration = .disallow
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            client = http
            sink = WebhookSink(store: store, outbox: outbox, options: webhook, client: http)
        }
        let endpoints = RunEndpoints(server: server, sink: sink, client: client, runStop: runStop)
        holder.withLock { $0 = endpoints }
        return endpoints
    }
}
