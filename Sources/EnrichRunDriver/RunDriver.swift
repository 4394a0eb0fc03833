import Agents
import ArgumentParser
import EventJSON
import Foundation
import NetworkAgents
import Planner
import Runtime
import RuntimeState

/// Runs a plan over events as `enrich run` does: the same code for the interpreter and
/// for generated pipeline binaries, so both take the same options and behave the same.
public enum RunDriver {
    /// Sets the agents up, runs every event through the interpreter (or `makeProcessor`'s
    /// processor), prints the summary and writes the metrics.
    ///
    /// Errors are printed as `TOOL: error: message` and thrown as exit code 2; a run
    /// stopped by a signal throws 128 + the signal number.
    public static func run(
        plan: Plan, options: RunOptions, toolName: String = "enrich", functions: FunctionRegistry = .builtIn,
        makeProcessor: (@Sendable (PreparedPipeline) -> any EventProcessor)? = nil
    ) async throws {
        func fail(_ message: String) -> ExitCode {
            FileHandle.standardError.write(Data("\(toolName): error: \(message)\n".utf8))
            return ExitCode(2)
        }
        let statePath = options.state ?? ".enrich/\(plan.pipeline).sqlite"
        let runState: SQLiteRunState
        do {
            runState = try SQLiteRunState(path: statePath)
        } catch {
            throw fail("\(error)")
        }
        let network = NetworkAgentProvider(plan: plan)
        let base = URL(fileURLWithPath: options.baseDir ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        var calls: any AgentCallProvider = PipelineAgentCalls(inProcess: InProcessAgentCalls(baseDirectory: base, functions: functions), network: network)
        if let text = options.injectFaults, let faults = FaultSpecification(text) {
            calls = FaultInjectingCalls(wrapping: calls, seed: faults.seed, rate: faults.rate)
        }
        let runner: EventStreamRunner
        do {
            let prepared = try PreparedPipeline(plan: plan, calls: calls, cachePersistence: runState)
            let processor = makeProcessor?(prepared) ?? prepared.makeInterpreter()
            runner = EventStreamRunner(plan: plan, processor: processor, codec: JSONLinesCodec(plan: plan), state: runState)
        } catch {
            await network.shutdown()
            throw fail("\(error)")
        }
        var configuration = RunConfiguration(
            input: options.input == "-" ? .standardInput : .file(options.input),
            output: options.output == "-" ? .standardOutput : .file(options.output),
            deadLetterPath: options.deadLetter ?? (options.output == "-" ? "enrich-dead-letter.jsonl" : options.output + ".dead-letter.jsonl"))
        configuration.ordered = !options.unordered
        configuration.maxInFlight = options.maxInFlight
        configuration.workers = options.workers
        configuration.batchSize = options.batchSize
        configuration.fromStart = options.fromStart

        let stop = StopFlag()
        let signalSources = stop.watchSignals()
        let showProgress = options.progress == .always || (options.progress == .auto && isatty(STDERR_FILENO) != 0)
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
            await network.shutdown()
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            throw fail("\(error)")
        }
        await network.shutdown()
        _ = signalSources
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        let order = plan.agents.map(\.name)
        FileHandle.standardError.write(Data(summary.text(agentOrder: order).utf8))
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
}
