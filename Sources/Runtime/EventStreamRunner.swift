import EventJSON
import Foundation
import Planner
import Synchronization

/// What a finished (or interrupted) run did.
public struct RunSummary: Sendable {
    public var events: Int
    public var metrics: RunMetrics
    public var elapsedSeconds: Double
    /// The signal that interrupted the run, if one did.
    public var interruptedBy: Int32?
    /// Line the run resumed after, when a checkpoint was found.
    public var resumedAfterLine: Int64?
}

/// Runs a plan over a stream of JSON Lines: reader → workers → ordered writer.
///
/// One reader thread feeds batches to one worker task per core (round robin); at most
/// `maxInFlight` events are between reading and writing, so a slow sink slows the
/// reader instead of filling memory. The writer checkpoints each written batch.
public final class EventStreamRunner: Sendable {
    public let plan: Plan
    private let executor: any EventProcessor
    private let codec: any EventCodec
    private let state: (any RunStateStore)?
    /// The circuit breakers' reports, read once the run is over.
    private let circuitReports: (@Sendable () -> [String: CircuitReport])?

    /// Prepares every agent once; fails early on missing environment variables or agents
    /// that cannot be set up (a missing table, an unregistered function...).
    public convenience init(
        plan: Plan, calls: any AgentCallProvider, codec: any EventCodec, state: (any RunStateStore)?,
        cachePersistence: (any CachePersistence)?, environment: [String: String] = ProcessInfo.processInfo.environment,
        wallClock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }
    ) throws {
        let prepared = try PreparedPipeline(
            plan: plan, calls: calls, cachePersistence: cachePersistence, environment: environment, wallClock: wallClock)
        self.init(plan: plan, processor: prepared.makeInterpreter(), codec: codec, state: state, circuitReports: prepared.circuitReports)
    }

    /// Runs events through `processor`: the interpreter, or a generated pipeline for `plan`;
    /// `circuitReports` (``PreparedPipeline/circuitReports()``) fills in the summary's circuits.
    public init(
        plan: Plan, processor: any EventProcessor, codec: any EventCodec, state: (any RunStateStore)?,
        circuitReports: (@Sendable () -> [String: CircuitReport])? = nil
    ) {
        self.plan = plan
        self.circuitReports = circuitReports
        self.executor = processor
        self.codec = codec
        self.state = state
    }

    /// Processes the whole input (or until `stop` is set) and returns what happened.
    public func run(
        _ configuration: RunConfiguration, stop: StopFlag = StopFlag(),
        progress: (@Sendable (_ events: Int, _ inFlight: Int, _ metrics: RunMetrics) -> Void)? = nil
    ) async throws -> RunSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        let source: String?
        let descriptor: Int32
        var queue: EventQueue?
        switch configuration.input {
        case .standardInput:
            source = nil
            descriptor = STDIN_FILENO
        case .file(let path):
            source = URL(fileURLWithPath: path).standardizedFileURL.path
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw RunError.inputFailed("cannot open \(path): \(String(cString: strerror(errno)))") }
        case .queue(let events):
            guard state != nil else { throw RunError.stateFailed("the ingest queue needs a state file") }
            source = EventQueue.checkpointSource
            descriptor = -1
            queue = events
        }
        let outbox: SinkOutbox?
        if case .outbox(let sink) = configuration.output {
            guard state != nil else { throw RunError.stateFailed("the webhook sink's outbox needs a state file") }
            outbox = sink
        } else {
            outbox = nil
        }
        defer { if descriptor >= 0, descriptor != STDIN_FILENO { close(descriptor) } }

        var checkpoint: RunCheckpoint?
        if let source, let state, !configuration.fromStart {
            do { checkpoint = try state.checkpoint(for: source) } catch { throw RunError.stateFailed("reading the checkpoint failed: \(error)") }
        }
        if let checkpoint, queue == nil {
            var info = stat()
            fstat(descriptor, &info)
            guard Int64(info.st_size) >= checkpoint.inputOffset else {
                throw RunError.checkpointMismatch("the input is \(info.st_size) bytes but an earlier run had processed \(checkpoint.inputOffset); it changed since (use --from-start to begin again)")
            }
            lseek(descriptor, off_t(checkpoint.inputOffset), SEEK_SET)
        }
        let output: OutputFile?
        switch configuration.output {
        case .standardOutput: output = OutputFile(standardOutput: ())
        case .file(let path): output = try OutputFile(path: path, truncateTo: checkpoint?.outputLength)
        case .outbox: output = nil
        }
        let deadLetter = try OutputFile(path: configuration.deadLetterPath, truncateTo: checkpoint?.deadLetterLength)
        defer {
            output?.close()
            deadLetter.close()
        }

        let batchSize = max(1, configuration.batchSize)
        // Created at 0 and then signalled: libdispatch traps when a semaphore is freed below
        // its initial value, which a run ending on an error (a failed write) would do.
        let permits = DispatchSemaphore(value: 0)
        for _ in 0..<max(2 * configuration.workers, configuration.maxInFlight / batchSize) { permits.signal() }
        let inFlight = EventCounter()
        let writer = BatchWriter(
            output: output, outbox: outbox, deadLetter: deadLetter, state: state, source: source, ordered: configuration.ordered,
            startOffset: checkpoint?.inputOffset ?? 0, startLine: checkpoint?.inputLine ?? 0,
            releasePermit: { permits.signal() })

        var continuations: [AsyncStream<InputBatch>.Continuation] = []
        var streams: [AsyncStream<InputBatch>] = []
        for _ in 0..<configuration.workers {
            let (stream, continuation) = AsyncStream<InputBatch>.makeStream()
            streams.append(stream)
            continuations.append(continuation)
        }
        let lines: InputLines
        if let queue, let state {
            lines = QueuedInputLines(queue: queue, state: state, after: checkpoint?.inputOffset ?? 0)
        } else {
            lines = DescriptorInputLines(
                descriptor: descriptor, reader: InputLineReader(
                    descriptor: descriptor, startOffset: checkpoint?.inputOffset ?? 0, startLine: checkpoint?.inputLine ?? 0,
                    maxLineBytes: configuration.maxLineBytes))
        }
        let readFailure = FailureBox()
        let readerContinuations = continuations
        let readerThread = Thread {
            var sequence = 0
            defer { for continuation in readerContinuations { continuation.finish() } }
            while !stop.isSet {
                while permits.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                    if stop.isSet { return }
                }
                let batch: [InputLine]
                do {
                    guard let next = try lines.next(limit: batchSize, stop: stop) else {
                        permits.signal()
                        return
                    }
                    batch = next
                } catch {
                    readFailure.set(error as? RunError ?? .inputFailed("\(error)"))
                    return
                }
                guard !batch.isEmpty else {
                    permits.signal()
                    return
                }
                inFlight.add(batch.count)
                readerContinuations[sequence % readerContinuations.count].yield(InputBatch(sequence: sequence, lines: batch))
                sequence += 1
            }
        }
        readerThread.stackSize = 1 << 20
        readerThread.start()

        let agentNames = plan.agents.map(\.name)
        let board = MetricsBoard(workers: configuration.workers, agentNames: agentNames)
        let dedupTurns = plan.dedup != nil && state != nil ? DedupTurns() : nil
        let progressTask = progress.map { report in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 250_000_000)
                    report(await writer.written, inFlight.value, board.merged)
                }
            }
        }
        let executor = self.executor
        let plan = self.plan
        let codec = self.codec
        let state = self.state
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (slot, stream) in streams.enumerated() {
                    group.addTask {
                        var worker = BatchWorker(
                            executor: executor, agentNames: agentNames, dedup: plan.dedup, codec: codec, state: state, source: source ?? "-",
                            dedupTurns: dedupTurns, board: board, slot: slot)
                        for await batch in stream {
                            let result = try await worker.process(batch)
                            inFlight.add(-batch.lines.count)
                            if let outbox { await outbox.waitForRoom(stop: stop) }
                            try await writer.accept(result)
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            stop.set()
            progressTask?.cancel()
            throw error
        }
        progressTask?.cancel()
        if let failure = readFailure.value { throw failure }
        let events = await writer.written
        var metrics = board.merged
        metrics.circuits = circuitReports?() ?? [:]
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
        return RunSummary(
            events: events, metrics: metrics, elapsedSeconds: elapsed, interruptedBy: stop.isSet ? stop.receivedSignal : nil,
            resumedAfterLine: checkpoint?.inputLine)
    }
}
