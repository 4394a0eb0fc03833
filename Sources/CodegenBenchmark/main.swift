// Codegen benchmark: the martech DAG with in-process agents (samples/martech-local.yaml),
// the plan interpreter against the generated Swift pipeline (MartechLocalPipeline, the
// checked-in output of `enrich compile --emit swift`, compiled here in release), through
// the same runner, codec and state, on the same generated events, in one run. Runs
// alternate between the two so machine noise hits both alike.
//
//   swift run -c release CodegenBenchmark [--events 200000] [--runs 5] [--workers N]
//
// Reports events/s (median of runs), CPU per event (user + system time over events),
// the generated/interpreter ratio, and the share of the floor: the same DAG written by hand
// (BenchmarkFloor), measured in this run on the same events and threads after the engines.
import BenchmarkFloor
import Foundation
import GeneratedPipelines
import PipelineChecks
import Planner
import Runtime

struct Options {
    var events = 200_000
    var runs = 5
    var workers = ProcessInfo.processInfo.activeProcessorCount

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--events": events = Int(iterator.next() ?? "") ?? events
            case "--runs": runs = max(1, Int(iterator.next() ?? "") ?? runs)
            case "--workers": workers = max(1, Int(iterator.next() ?? "") ?? workers)
            default:
                FileHandle.standardError.write(Data("usage: CodegenBenchmark [--events N] [--runs N] [--workers N]\n".utf8))
                exit(2)
            }
        }
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("CodegenBenchmark: \(message)\n".utf8))
    exit(1)
}

let options = Options(CommandLine.arguments)
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
FileManager.default.changeCurrentDirectoryPath(root.path)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-codegen-benchmark")
try? FileManager.default.removeItem(at: work)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let eventsPath = work.appendingPathComponent("events.jsonl").path

let generator = Process()
generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
generator.arguments = ["python3", "samples/generate_events.py", "--count", String(options.events), "--out", eventsPath]
try generator.run()
generator.waitUntilExit()
guard generator.terminationStatus == 0 else { fail("generating events failed") }

let lint = try Linter.lint(path: "samples/martech-local.yaml")
guard !lint.hasErrors, let checked = lint.pipeline else { fail("samples/martech-local.yaml does not lint") }
let plan = try PlanCompiler.compile(checked, compiler: "enrich 0.1.0")
guard try PlanFile.decode(Array(MartechLocalPipeline.planText.utf8)) == plan else {
    fail("MartechLocalPipeline is stale: regenerate the snapshots (ENRICH_UPDATE_GOLDEN=1 swift test --filter SwiftEmitterTests)")
}

struct InProcess: AgentCallProvider {
    let calls: InProcessAgentCalls
    func makeCall(for agent: PlanAgent) throws -> AgentCall? { try calls.makeCall(for: agent) }
}

enum Engine: String, CaseIterable { case interpreter, generated }

struct Measurement {
    var eventsPerSecond: [Double] = []
    var cpuPerEvent: [Double] = []
    var median: Double { eventsPerSecond.sorted()[eventsPerSecond.count / 2] }
    var cpuMedian: Double { cpuPerEvent.sorted()[cpuPerEvent.count / 2] }
}

func measure(_ engine: Engine, withState: Bool, run: Int) async throws -> (Double, Double, [UInt8]) {
    let output = work.appendingPathComponent("\(engine)-\(run).jsonl").path
    let state = withState ? try SQLiteRunState(path: work.appendingPathComponent("\(engine)-\(run)-\(withState).sqlite").path) : nil
    let prepared = try PreparedPipeline(plan: plan, calls: InProcess(calls: InProcessAgentCalls(baseDirectory: root)), cachePersistence: state)
    let processor: any EventProcessor = engine == .interpreter ? prepared.makeInterpreter() : MartechLocalPipeline(prepared)
    let runner = EventStreamRunner(plan: plan, processor: processor, codec: JSONLinesCodec(plan: plan), state: state)
    var configuration = RunConfiguration(input: .file(eventsPath), output: .file(output), deadLetterPath: output + ".dead")
    configuration.workers = options.workers
    configuration.batchSize = 512
    let cpuBefore = cpuSeconds()
    let summary = try await runner.run(configuration)
    let cpu = cpuSeconds() - cpuBefore
    guard summary.events == options.events else { fail("\(engine) processed \(summary.events) of \(options.events) events") }
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
    try? FileManager.default.removeItem(atPath: output)
    return (Double(summary.events) / summary.elapsedSeconds, cpu / Double(summary.events) * 1e6, bytes)
}

/// Output lines with timing fields zeroed, to check both engines wrote the same events.
///
/// A byte scan rather than a regex: a regex over 200,000 lines took longer than the runs it checks.
func normalized(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    let marker = Array(#""latency_us":"#.utf8)
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        if bytes[index] == marker[0], bytes[index...].starts(with: marker) {
            result.append(contentsOf: marker)
            result.append(UInt8(ascii: "0"))
            index += marker.count
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        } else {
            result.append(bytes[index])
            index += 1
        }
    }
    return result.split(separator: UInt8(ascii: "\n"))
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPad(_ width: Int) -> String { padding(toLength: width, withPad: " ", startingAt: 0) }
}

print("martech DAG, in-process agents (samples/martech-local.yaml): \(options.events) events, \(options.workers) workers, median of \(options.runs) alternating runs")
var table: [(label: String, measurement: Measurement, interpreter: Double)] = []
for withState in [false, true] {
    var results: [Engine: Measurement] = [:]
    var outputs: [Engine: [UInt8]] = [:]
    for run in 0..<options.runs {
        for engine in (run % 2 == 0 ? Engine.allCases : Engine.allCases.reversed()) {
            let (rate, cpu, bytes) = try await measure(engine, withState: withState, run: run)
            results[engine, default: Measurement()].eventsPerSecond.append(rate)
            results[engine, default: Measurement()].cpuPerEvent.append(cpu)
            if run == 0 { outputs[engine] = bytes }
        }
    }
    guard let a = outputs[.interpreter], let b = outputs[.generated], normalized(a) == normalized(b) else {
        fail("the interpreter and the generated pipeline wrote different events")
    }
    let interpreter = results[.interpreter]!
    for engine in Engine.allCases {
        table.append(("\(engine)" + (withState ? ", SQLite state" : ", no state"), results[engine]!, interpreter.median))
    }
}

// After the engines, as RuntimeBenchmark does: the floor's whole-file read would slow what follows it.
let hand = try MartechFloor(repositoryRoot: root)
var floor = Measurement()
for _ in 0..<options.runs {
    let cpuBefore = cpuSeconds()
    let run = try hand.run(input: eventsPath, output: work.appendingPathComponent("floor.jsonl").path, threads: options.workers)
    let cpu = cpuSeconds() - cpuBefore
    guard run.events == options.events else { fail("the floor processed \(run.events) of \(options.events) events") }
    floor.eventsPerSecond.append(Double(run.events) / run.elapsedSeconds)
    floor.cpuPerEvent.append(cpu / Double(run.events) * 1e6)
}
table.append(("floor: the DAG by hand, no runtime", floor, table[0].interpreter))

print("configuration".rightPad(40) + "events/s".leftPad(12) + "CPU µs/event".leftPad(14) + "vs interp.".leftPad(12) + "of floor".leftPad(10))
for (label, m, interpreter) in table {
    print(
        label.rightPad(40) + String(format: "%12.0f", m.median) + String(format: "%14.2f", m.cpuMedian)
            + String(format: "%.2f×", m.median / interpreter).leftPad(12) + String(format: "%.0f%%", 100 * m.median / floor.median).leftPad(10))
}
