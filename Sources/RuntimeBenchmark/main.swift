// Runtime benchmark: the martech DAG with in-process agents (samples/martech-local.yaml),
// Enrich's runtime side by side with the Python asyncio baseline a user would otherwise
// write (samples/baseline/martech_asyncio.py), on the same generated events, in one run.
//
//   swift run -c release RuntimeBenchmark [--events 200000] [--runs 3] [--workers N] [--also-workers N] [--batch-size N] [--skip-python]
//                                         [--skip-stateless] [--skip-state] [--skip-floor] [--keep-outputs]
//                                         [--events-file PATH]
//
// `--events-file` runs on an existing events file (made by samples/generate_events.py) instead
// of generating one; with `--skip-python` nothing is spawned, so the run can go under
// valgrind --tool=callgrind.
//
// Reports events/s (median of runs) and CPU per event (user + system time over events),
// for Enrich with its full SQLite state (audit trail, checkpoints) and without state.
import BenchmarkFloor
import Foundation
import PipelineChecks
import Planner
import Runtime

struct Options {
    var events = 200_000
    var runs = 3
    /// Enrich's workers (default: what `enrich run` picks for the plan); the floor runs one
    /// thread per core.
    var workers: Int?
    var skipPython = false
    var eventsFile: String?
    var skipStateless = false
    var skipState = false
    var skipFloor = false
    var keepOutputs = false
    /// Another worker count to run without state in the same rounds (a comparison).
    var alsoWorkers: Int?
    var batchSize = RunConfiguration(input: .standardInput, output: .standardOutput, deadLetterPath: "").batchSize

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--events": events = Int(iterator.next() ?? "") ?? events
            case "--runs": runs = max(1, Int(iterator.next() ?? "") ?? runs)
            case "--workers": workers = Int(iterator.next() ?? "").map { max(1, $0) }
            case "--skip-python": skipPython = true
            case "--events-file": eventsFile = iterator.next()
            case "--skip-stateless": skipStateless = true
            case "--skip-state": skipState = true
            case "--skip-floor": skipFloor = true
            case "--keep-outputs": keepOutputs = true
            case "--also-workers": alsoWorkers = Int(iterator.next() ?? "").map { max(1, $0) }
            case "--batch-size": batchSize = max(1, Int(iterator.next() ?? "") ?? batchSize)
            default:
                FileHandle.standardError.write(Data("usage: RuntimeBenchmark [--events N] [--runs N] [--workers N] [--also-workers N] [--batch-size N] [--skip-python] [--skip-stateless] [--skip-state] [--skip-floor] [--keep-outputs] [--events-file PATH]\n".utf8))
                exit(2)
            }
        }
    }
}

/// Newlines in `data` (memchr: a closure per byte on the main actor took seconds).
func lineCount(_ data: Data) -> Int {
    data.withUnsafeBytes { raw in
        guard var cursor = raw.baseAddress else { return 0 }
        let end = cursor + raw.count
        var count = 0
        while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
            count += 1
            cursor = UnsafeRawPointer(found) + 1
        }
        return count
    }
}

/// CPU seconds (user + system) of this process or of its finished children.
func cpuSeconds(_ who: __rusage_who) -> Double {
    var usage = rusage()
    getrusage(who.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("RuntimeBenchmark: \(message)\n".utf8))
    exit(1)
}

let options: Options = {
    var options = Options(CommandLine.arguments)
    if let file = options.eventsFile {
        guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
        options.events = lineCount(data)
    }
    return options
}()
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
FileManager.default.changeCurrentDirectoryPath(root.path)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-runtime-benchmark")
try? FileManager.default.removeItem(at: work)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let eventsPath = options.eventsFile ?? work.appendingPathComponent("events.jsonl").path

// Events.
if options.eventsFile == nil {
    let generator = Process()
    generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    generator.arguments = ["python3", "samples/generate_events.py", "--count", String(options.events), "--out", eventsPath]
    try generator.run()
    generator.waitUntilExit()
    guard generator.terminationStatus == 0 else { fail("generating events failed") }
}
let eventBytes = (try? FileManager.default.attributesOfItem(atPath: eventsPath)[.size] as? Int) ?? 0

// Plan.
let lint = try Linter.lint(path: "samples/martech-local.yaml")
guard !lint.hasErrors, let checked = lint.pipeline else { fail("samples/martech-local.yaml does not lint") }
let plan = try PlanCompiler.compile(checked, compiler: "benchmark")
let enrichWorkers = options.workers ?? RunConfiguration.defaultWorkers(for: plan, served: false, maxInFlight: RunConfiguration(input: .standardInput, output: .standardOutput, deadLetterPath: "").maxInFlight)
let floorThreads = ProcessInfo.processInfo.activeProcessorCount

struct Measurement {
    var eventsPerSecond: [Double] = []
    var cpuPerEvent: [Double] = []
    var median: Double { eventsPerSecond.sorted()[eventsPerSecond.count / 2] }
    var cpuMedian: Double { cpuPerEvent.sorted()[cpuPerEvent.count / 2] }
    var range: String { String(format: "%.0f-%.0f", eventsPerSecond.min() ?? 0, eventsPerSecond.max() ?? 0) }

    mutating func add(_ run: (eventsPerSecond: Double, cpuPerEvent: Double)) {
        eventsPerSecond.append(run.eventsPerSecond)
        cpuPerEvent.append(run.cpuPerEvent)
    }
}

struct NoCalls: AgentCallProvider {
    let inProcess: InProcessAgentCalls
    func makeCall(for agent: PlanAgent) throws -> AgentCall? { try inProcess.makeCall(for: agent) }
}

/// One run of Enrich over the events: events/s and CPU µs per event.
func runEnrich(withState: Bool, run: Int, workers: Int = enrichWorkers) async throws -> (eventsPerSecond: Double, cpuPerEvent: Double) {
    // One output path per configuration, removed before each run, as the floor rewrites
    // its files: the kernel then writes into the pages the last run freed. On this VM a
    // file written into never-touched memory costs ~2.3 ns/byte of system time (dd of
    // 116 MB: 0.26 s sys, 0.03 s into freed pages); keeping every run's output charged
    // that to the engine and not to the floor. `--keep-outputs` keeps them, to compare.
    let output = work.appendingPathComponent("out-\(withState ? "state" : "stateless")\(options.keepOutputs ? "-\(run)" : "").jsonl").path
    let statePath = work.appendingPathComponent("state.sqlite").path
    for path in [output, output + ".dead", statePath, statePath + "-wal", statePath + "-shm"] {
        try? FileManager.default.removeItem(atPath: path)
    }
    let state = withState ? try SQLiteRunState(path: statePath) : nil
    let runner = try EventStreamRunner(
        plan: plan, calls: NoCalls(inProcess: InProcessAgentCalls(baseDirectory: root)), codec: JSONLinesCodec(plan: plan),
        state: state, cachePersistence: state)
    var configuration = RunConfiguration(input: .file(eventsPath), output: .file(output), deadLetterPath: output + ".dead")
    configuration.workers = workers
    configuration.batchSize = options.batchSize
    let cpuBefore = cpuSeconds(RUSAGE_SELF)
    let summary = try await runner.run(configuration)
    let cpu = cpuSeconds(RUSAGE_SELF) - cpuBefore
    guard summary.events == options.events else { fail("enrich processed \(summary.events) of \(options.events) events") }
    return (Double(summary.events) / summary.elapsedSeconds, cpu / Double(summary.events) * 1e6)
}

func runPython() throws -> Measurement {
    var measurement = Measurement()
    for _ in 0..<options.runs {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "samples/baseline/martech_asyncio.py", "--input", eventsPath]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let cpuBefore = cpuSeconds(RUSAGE_CHILDREN)
        let started = Date()
        try process.run()
        process.waitUntilExit()
        let elapsed = Date().timeIntervalSince(started)
        guard process.terminationStatus == 0 else { fail("the Python baseline failed (pip install vaderSentiment?)") }
        let cpu = cpuSeconds(RUSAGE_CHILDREN) - cpuBefore
        measurement.eventsPerSecond.append(Double(options.events) / elapsed)
        measurement.cpuPerEvent.append(cpu / Double(options.events) * 1e6)
    }
    return measurement
}

/// The hand-written DAG (BenchmarkFloor) on the same events and threads: the floor.
func runFloor(_ floor: MartechFloor) throws -> (eventsPerSecond: Double, cpuPerEvent: Double) {
    let cpuBefore = cpuSeconds(RUSAGE_SELF)
    let run = try floor.run(input: eventsPath, output: work.appendingPathComponent("floor.jsonl").path, threads: floorThreads)
    let cpu = cpuSeconds(RUSAGE_SELF) - cpuBefore
    guard run.events == options.events else { fail("the floor processed \(run.events) of \(options.events) events") }
    return (Double(run.events) / run.elapsedSeconds, cpu / Double(run.events) * 1e6)
}

/// Checks the floor did the engine's work: its lines are enrich's without `_enrichment`.
func checkFloorMatches(enrichOutput: String) {
    guard let enriched = FileManager.default.contents(atPath: enrichOutput) else { fail("cannot read \(enrichOutput)") }
    var floorLines: [Substring] = []
    for part in 0..<floorThreads {
        guard let data = FileManager.default.contents(atPath: work.appendingPathComponent("floor.jsonl.\(part)").path) else { fail("no floor output") }
        floorLines += String(decoding: data, as: UTF8.self).split(separator: "\n")
    }
    let enrichLines = String(decoding: enriched, as: UTF8.self).split(separator: "\n")
    guard floorLines.count == enrichLines.count else { fail("the floor wrote \(floorLines.count) lines, enrich \(enrichLines.count)") }
    for (number, (floorLine, enrichLine)) in zip(floorLines, enrichLines).enumerated() {
        guard let metadata = enrichLine.range(of: ",\"_enrichment\":") else { fail("line \(number + 1) of enrich's output has no _enrichment") }
        guard enrichLine[..<metadata.lowerBound] + "}" == floorLine else {
            fail("line \(number + 1): the floor wrote\n  \(floorLine)\nenrich wrote\n  \(enrichLine)")
        }
    }
}

print("martech DAG, in-process agents (samples/martech-local.yaml): \(options.events) events, \(eventBytes / max(1, options.events)) bytes each on average, \(enrichWorkers) workers (the floor: \(floorThreads) threads), median of \(options.runs) runs")
// Runs alternate between configurations (stateless, floor, state; then the next round),
// so a slow minute on this shared machine lands on all of them, not on one.
var statelessRuns = Measurement(), floorRuns = Measurement(), stateRuns = Measurement(), otherWorkersRuns = Measurement()
let hand = options.skipFloor ? nil : try MartechFloor(repositoryRoot: root)
for run in 0..<options.runs {
    if !options.skipStateless { statelessRuns.add(try await runEnrich(withState: false, run: run)) }
    if let other = options.alsoWorkers { otherWorkersRuns.add(try await runEnrich(withState: false, run: run, workers: other)) }
    if let hand { floorRuns.add(try runFloor(hand)) }
    if !options.skipState { stateRuns.add(try await runEnrich(withState: true, run: run)) }
}
let stateless = options.skipStateless ? nil : statelessRuns
let stateful = options.skipState ? nil : stateRuns
let floor = options.skipFloor ? nil : floorRuns
if floor != nil, stateless != nil { checkFloorMatches(enrichOutput: work.appendingPathComponent(options.keepOutputs ? "out-stateless-0.jsonl" : "out-stateless.jsonl").path) }
let python = options.skipPython ? nil : try runPython()

func row(_ name: String, _ m: Measurement, baseline: Measurement?) -> String {
    let ratio = baseline.map { String(format: "%.1f×", m.median / $0.median) } ?? "-"
    let ofFloor = floor.map { String(format: "%.0f%%", 100 * m.median / $0.median) } ?? "-"
    return name.padding(toLength: 44, withPad: " ", startingAt: 0)
        + String(format: "%12.0f", m.median) + m.range.leftPad(16) + String(format: "%14.2f", m.cpuMedian) + ratio.leftPad(12) + ofFloor.leftPad(10)
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

print("configuration".padding(toLength: 44, withPad: " ", startingAt: 0) + "events/s".leftPad(12) + "range of runs".leftPad(16) + "CPU µs/event".leftPad(14) + "vs Python".leftPad(12) + "of floor".leftPad(10))
if let stateless { print(row("enrich, no state", stateless, baseline: python)) }
if let other = options.alsoWorkers { print(row("enrich, no state, \(other) workers", otherWorkersRuns, baseline: python)) }
if let stateful { print(row("enrich, SQLite state (audit + checkpoints)", stateful, baseline: python)) }
if let python { print(row("Python asyncio baseline (1 process)", python, baseline: python)) }
if let floor { print(row("floor: the DAG by hand, no runtime", floor, baseline: python)) }
