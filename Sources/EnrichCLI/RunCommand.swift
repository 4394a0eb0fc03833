import ArgumentParser
import Agents
import EventJSON
import Foundation
import NetworkAgents
import Planner
import ProcessAgents
import Runtime

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
            directory, or --base-dir; `process` and `local_llm` agents run there as child \
            processes speaking JSON lines, each started (and ready) before the first event \
            and stopped at the end. A `local_llm` agent without `command:` runs the bundled \
            model server `python3 DIR/hf_sentiment.py --model MODEL` (DIR: --sidecar-dir, \
            else $ENRICH_SIDECARS, else samples/sidecars under the base directory).

            EXIT STATUS
              0    every line was processed (some may be in the dead-letter file)
              1    the pipeline has errors (printed as `enrich lint` prints them)
              2    usage error, unreadable or corrupt file, or an agent that cannot be set up
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

    @Option(help: ArgumentHelp("Directory holding the bundled sidecars (hf_sentiment.py) for `local_llm` agents without `command:`.", valueName: "dir"))
    var sidecarDir: String?

    @Option(
        name: .customLong("process-command"),
        help: ArgumentHelp("Run a process or local_llm agent's child as COMMAND (words split at spaces) instead of its own; repeatable.", valueName: "agent=command"))
    var processCommands: [String] = []

    enum ProgressChoice: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    func validate() throws {
        if maxInFlight < 1 { throw ValidationError("--max-in-flight must be at least 1") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if batchSize < 1 || batchSize > 65_536 { throw ValidationError("--batch-size must be between 1 and 65536") }
        for item in processCommands where Self.splitCommand(item) == nil {
            throw ValidationError("--process-command takes AGENT=COMMAND, e.g. `sentiment=python3 samples/sidecars/standin_sentiment.py`; got `\(item)`")
        }
    }

    /// `name=word word...` split into the agent's name and the command's words.
    static func splitCommand(_ item: String) -> (agent: String, command: [String])? {
        guard let equals = item.firstIndex(of: "=") else { return nil }
        let agent = String(item[..<equals]).trimmingCharacters(in: .whitespaces)
        let command = item[item.index(after: equals)...].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        return agent.isEmpty || command.isEmpty ? nil : (agent, command)
    }

    func run() async throws {
        let plan = try PipelineCompilation.planOrPipeline(path: pipeline)
        let statePath = state ?? ".enrich/\(plan.pipeline).sqlite"
        let runState: SQLiteRunState
        do {
            runState = try SQLiteRunState(path: statePath)
        } catch {
            throw PipelineCompilation.fail("\(error)")
        }
        let network = NetworkAgentProvider(plan: plan)
        let base = URL(fileURLWithPath: baseDir ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        let processes: ProcessAgentProvider
        do {
            processes = try ProcessAgentProvider(plan: plan, options: processOptions(plan: plan, base: base), environment: ProcessInfo.processInfo.environment)
        } catch {
            await network.shutdown()
            throw PipelineCompilation.fail("\(error)")
        }
        @Sendable func stopAgents() async {
            await processes.shutdown()
            await network.shutdown()
        }
        let calls = PipelineAgentCalls(inProcess: InProcessAgentCalls(baseDirectory: base), network: network, processes: processes)
        let runner: EventStreamRunner
        do {
            try await processes.start()
            runner = try EventStreamRunner(plan: plan, calls: calls, codec: JSONLinesCodec(plan: plan), state: runState, cachePersistence: runState)
        } catch {
            await stopAgents()
            throw PipelineCompilation.fail("\(error)")
        }
        var configuration = RunConfiguration(
            input: input == "-" ? .standardInput : .file(input),
            output: output == "-" ? .standardOutput : .file(output),
            deadLetterPath: deadLetter ?? (output == "-" ? "enrich-dead-letter.jsonl" : output + ".dead-letter.jsonl"))
        configuration.ordered = !unordered
        configuration.maxInFlight = maxInFlight
        configuration.workers = workers
        configuration.batchSize = batchSize
        configuration.fromStart = fromStart

        let stop = StopFlag()
        let signalSources = stop.watchSignals()
        let showProgress = progress == .always || (progress == .auto && isatty(STDERR_FILENO) != 0)
        let started = Date()
        var reporter: (@Sendable (Int, Int, RunMetrics) -> Void)?
        if showProgress {
            reporter = { events, inFlight, metrics in
                let rate = Double(events) / max(0.001, Date().timeIntervalSince(started))
                let line = RunSummary.progressLine(events: events, inFlight: inFlight, eventsPerSecond: rate, metrics: metrics)
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
            }
        }
        let summary: RunSummary
        do {
            summary = try await runner.run(configuration, stop: stop, progress: reporter)
        } catch {
            await stopAgents()
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            throw PipelineCompilation.fail("\(error)")
        }
        await stopAgents()
        _ = signalSources
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        let order = plan.agents.map(\.name)
        FileHandle.standardError.write(Data(summary.text(agentOrder: order).utf8))
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

    /// Where process agents run, and the commands given for them on the command line.
    private func processOptions(plan: Plan, base: URL) throws -> ProcessAgentProvider.Options {
        var options = ProcessAgentProvider.Options(baseDirectory: base.path, sidecarDirectory: sidecarDir)
        for item in processCommands {
            guard let (agent, command) = Self.splitCommand(item) else { continue }
            guard let planned = plan.agents.first(where: { $0.name == agent }), ProcessAgentProvider.handles(kind: planned.kind) else {
                throw ValidationError("--process-command names `\(agent)`, which is not a process or local_llm agent of this pipeline")
            }
            options.commandOverrides[agent] = command
        }
        return options
    }
}
