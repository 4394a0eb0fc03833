// LintBenchmark: how fast and how lean `enrich lint` is on large pipeline files.
//
//     swift run -c release LintBenchmark [--sizes 1000,10000,50000] [--runs 5] [--keep-files]
//
// For each size it generates a realistic pipeline (mixed agent types, dependency chains
// through earlier agents' outputs with `??` defaults, an `event:` schema, a deadline),
// writes it to a temporary file and measures:
//   - lint: end-to-end `Linter.lint(path:)` in this process (read, YAML, AST, checks),
//     median and minimum over the runs (after one untimed run that checks the result);
//   - parse: `YAMLParser.parse` alone on the same bytes (UTF-8 check, libyaml, building the
//     located tree with the limits), so lint/parse shows what the rest of the front end
//     costs on top of YAML; and, for reference, libyaml by itself (its event loop, no
//     tree), which also tells how fast the machine was during the run;
//   - cold lint and peak RSS: one lint in a fresh child process (this executable re-run
//     with the hidden `--child FILE` mode), so each size's peak is its own; `--child -`
//     (no lint at all) gives the process's baseline. The child reports VmHWM rather than
//     `ru_maxrss`, which Linux carries over from the parent (see `peakRSSKiB`);
//   - µs per agent and the growth between consecutive sizes (time ratio divided by size
//     ratio: 1.00 means linear).
// Every generated file must lint with zero errors, or the benchmark exits with status 1.
//
// Hidden modes for investigating: `--phases FILE` times each stage (load, parse, AST,
// checks, freeing) and prints type sizes; `--profile-lint FILE N` and
// `--profile-parse FILE N` loop for `perf record` or `valgrind --tool=callgrind`.

import CYAML
import Diagnostics
import Foundation
import PipelineChecks
import PipelineSyntax
import YAMLSource

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Command line

struct Options {
    var sizes = [1_000, 10_000, 50_000]
    var runs = 5
    var keepFiles = false
}

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: LintBenchmark [--sizes 1000,10000,50000] [--runs 5] [--keep-files]\n".utf8))
    exit(2)
}

func parseOptions(_ arguments: [String]) -> Options {
    var options = Options()
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        func value() -> String {
            index += 1
            guard index < arguments.count else { usage() }
            return arguments[index]
        }
        switch argument {
        case "--sizes":
            let sizes = value().split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) }
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { usage() }
            options.sizes = sizes
        case "--runs":
            guard let runs = Int(value()), runs > 0 else { usage() }
            options.runs = runs
        case "--keep-files":
            options.keepFiles = true
        case "-h", "--help":
            usage()
        default:
            FileHandle.standardError.write(Data("unknown argument `\(argument)`\n".utf8))
            usage()
        }
        index += 1
    }
    return options
}

// MARK: - Child mode: one lint, then report peak RSS

/// Peak resident set size of this process in KiB.
///
/// On Linux this is `VmHWM` from /proc/self/status: `getrusage(RUSAGE_SELF).ru_maxrss`
/// would be wrong in a child started by `Process`, because Linux carries the parent's
/// high-water mark over into `ru_maxrss` when the (vfork-style) child calls `execve`, so
/// every child would report at least the parent's peak. `ru_maxrss` is used elsewhere
/// (bytes on macOS, KiB on Linux).
func peakRSSKiB() -> Int {
    #if os(Linux)
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber))
    {
        return kib
    }
    #endif
    var usage = rusage()
    #if os(macOS)
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss) / 1024
    #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss)
    #endif
}

/// `--child FILE`: lint FILE once and print `<peak RSS KiB> <errors> <diagnostics> <seconds>`.
/// `--child -` lints nothing and reports the process's baseline RSS.
///
/// Like `enrich lint` (see `ProcessExit.keepUntilExit` in EnrichCLI), the child leaves
/// the result for the exit to reclaim: the time is the lint's, without freeing it.
func runChild(path: String) -> Never {
    var errors = 0
    var count = 0
    var seconds = 0.0
    var kept: Linter.Result?
    if path != "-" {
        do {
            seconds = try time {
                let result = try Linter.lint(path: path)
                errors = result.diagnostics.filter { $0.severity == .error }.count
                count = result.diagnostics.count
                kept = result
            }
        } catch {
            print("error: \(error)")
            exit(1)
        }
    }
    print("\(peakRSSKiB()) \(errors) \(count) \(seconds)")
    withExtendedLifetime(kept) { exit(0) }
}

/// `--profile-lint FILE N` / `--profile-parse FILE N`: lint (or only parse) FILE N times,
/// for running under a profiler (`perf record`, `valgrind --tool=callgrind`).
func runProfileLoop(path: String, count: Int, parseOnly: Bool) -> Never {
    do {
        for _ in 0..<count {
            if parseOnly {
                guard case .file(let file) = try SourceLoader.load(path: path) else { exit(1) }
                var diagnostics = DiagnosticCollector()
                _ = YAMLParser.parse(file, diagnostics: &diagnostics)
            } else {
                _ = try Linter.lint(path: path)
            }
        }
    } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}

/// `--phases FILE`: the time of each front-end stage on FILE (median of 5) and the sizes
/// of the main value types, to see where lint time goes.
func runPhases(path: String) -> Never {
    var load: [Double] = [], parse: [Double] = [], build: [Double] = [], check: [Double] = [], release: [Double] = []
    for _ in 0..<5 {
        var loaded: SourceLoader.Loaded?
        load.append(time { loaded = try? SourceLoader.load(path: path) })
        guard case .file(let file)? = loaded else { exit(1) }
        var diagnostics = DiagnosticCollector()
        var root: YAMLNode?
        parse.append(time { root = YAMLParser.parse(file, diagnostics: &diagnostics) })
        var ast: PipelineAST?
        build.append(time { ast = PipelineASTBuilder.build(root!, file: file, diagnostics: &diagnostics) })
        var checked: CheckedPipeline?
        check.append(time { checked = PipelineChecker.check(ast!, diagnostics: &diagnostics) })
        release.append(time {
            root = nil
            ast = nil
            checked = nil
        })
        _ = checked
    }
    print("sizes: YAMLNode \(MemoryLayout<YAMLNode>.stride), YAMLPair \(MemoryLayout<YAMLPair>.stride), SourceRange \(MemoryLayout<SourceRange>.stride), AgentDecl \(MemoryLayout<AgentDecl>.stride), Expression \(MemoryLayout<PipelineSyntax.Expression>.stride), CheckedAgent \(MemoryLayout<CheckedAgent>.stride) bytes")
    for (name, values) in [("load", load), ("parse", parse), ("build AST", build), ("check", check), ("free", release)] {
        print("\(pad(name, 10, left: true)) \(format(median(values) * 1000, 1)) ms")
    }
    exit(0)
}

// MARK: - Generator

/// SplitMix64: a small deterministic generator, so every run benchmarks the same files.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// A realistic pipeline with `count` agents that lints clean.
///
/// Agents cycle through geoip, lookup, sentiment, http and expr. Each http and expr
/// agent reads outputs of a few earlier agents (picked among the recent ones of each
/// kind, so chains run through the whole file) with `??` defaults; expr agents also
/// extend a chain through the previous expr agent, so the dependency graph is deep.
func generatePipeline(agents count: Int) -> String {
    var random = SplitMix(state: UInt64(count))
    var text = """
    # yaml-language-server: $schema=../grammar/pipeline.schema.json
    # Generated by LintBenchmark: \(count) agents.
    pipeline: bench_\(count)
    version: "2024.\(count % 100)"
    description: >-
      Synthetic enrichment pipeline for lint benchmarks: geo, CRM and lookup enrichment,
      sentiment on comments, derived scores and labels.
    deadline: \(count * 2)s
    event:
      user_id: string
      email: string?
      ip: string
      plan: string
      age: int
      comment: {type: string, description: free text left by the user}
      amount: float
      country_hint: string?
      tags: json
    dedup:
      key: hash(concat(event.user_id, event.plan))
      window: 10m
    source:
      type: stdin
    sink:
      type: stdout
    agents:

    """
    text.reserveCapacity(count * 330)

    // Indices of earlier agents by kind, to draw references from.
    var geo: [Int] = []
    var tier: [Int] = []
    var mood: [Int] = []
    var crm: [Int] = []
    var score: [Int] = []

    func recent(_ list: [Int]) -> Int? {
        guard !list.isEmpty else { return nil }
        let window = min(list.count, 8)
        return list[list.count - 1 - random.below(window)]
    }

    for index in 0..<count {
        switch index % 5 {
        case 0:
            text += """
            - name: geo_\(index)
              type: geoip
              description: country and city of the client
              database: data/geoip-ranges.csv
              timeout: 20ms
              input:
                ip: event.ip
              output:
                country_\(index): country
                city_\(index): city

            """
            geo.append(index)
        case 1:
            let geoRef = recent(geo).map { "geo_\($0).country_\($0) ?? \"??\"" } ?? "\"??\""
            text += """
            - name: tier_\(index)
              type: lookup
              table: data/customers.csv
              key: user_id
              timeout: 30ms
              cache: {ttl: 5m}
              input:
                key: event.user_id
                region: \(geoRef)
              output:
                tier_\(index): {path: tier, type: string}
                since_\(index): signup_date

            """
            tier.append(index)
        case 2:
            text += """
            - name: mood_\(index)
              type: sentiment
              when: len(event.comment) > 0
              input:
                text: lower(event.comment)
              output:
                mood_\(index): label
                compound_\(index): compound

            """
            mood.append(index)
        case 3:
            let country = recent(geo).map { "{geo_\($0).country_\($0) ?? 'unknown'}" } ?? "unknown"
            let tierHeader = recent(tier).map { "{tier_\($0).tier_\($0) ?? 'basic'}" } ?? "basic"
            let retry = index % 4 == 3 ? "\n  retry: {attempts: 2, backoff: 50ms, jitter: false}" : "\n  retry: 1"
            text += """
            - name: crm_\(index)
              type: http
              description: CRM segment for the user
              url: "https://crm\(index % 16).example.com/v2/users/{event.user_id}?country=\(country)&plan={lower(event.plan)}"
              method: GET
              headers:
                Authorization: "Bearer {env.TOKEN}"
                X-Tier: "\(tierHeader)"
                Accept: application/json
              timeout: 250ms\(retry)
              rate_limit: 200/s
              concurrency: 32
              fallback: skip
              allow_hosts: [crm\(index % 16).example.com]
              output:
                segment_\(index): data.segment
                ltv_\(index): {path: data.lifetime_value, type: float}

            """
            crm.append(index)
        default:
            let segment = recent(crm).map { "crm_\($0).segment_\($0) ?? \"none\"" } ?? "\"none\""
            let moodRef = recent(mood).map { "mood_\($0).mood_\($0) ?? \"neutral\"" } ?? "\"neutral\""
            let ltv = recent(crm).map { "crm_\($0).ltv_\($0) ?? 0.0" } ?? "0.0"
            let previous = score.last.map { "score_\($0).label_\($0) ?? \"start\"" } ?? "\"start\""
            let guardLine = index % 3 == 0 ? "\n  when: event.age >= 18 && event.plan != \"trial\"" : ""
            text += """
            - name: score_\(index)
              type: expr\(guardLine)
              input:
                value: \(ltv)
              output:
                label_\(index): concat(lower(event.plan), "-", to_string(\(segment)), "-", \(moodRef))
                vip_\(index): input.value * 1.5 > 1000.0 || event.amount >= 500.0
                chain_\(index): hash(concat(event.user_id, \(previous)))

            """
            score.append(index)
        }
    }
    return text
}

// MARK: - Measuring

/// Runs libyaml's event loop over `bytes` without building anything: the floor under
/// `YAMLParser.parse`. Returns the number of events.
func libyamlEvents(_ bytes: [UInt8]) -> Int {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return 0 }
    defer { yaml_parser_delete(&parser) }
    return bytes.withUnsafeBufferPointer { buffer in
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var event = yaml_event_t()
        var count = 0
        while yaml_parser_parse(&parser, &event) == 1 {
            count += 1
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if done { break }
        }
        return count
    }
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    return seconds(clock.now - start)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Runs this executable as `--child path`: its peak RSS in KiB, the errors it found and
/// the time of its one (cold) lint.
func childPeakRSS(path: String) throws -> (kib: Int, errors: Int, seconds: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executablePath())
    process.arguments = ["--child", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let fields = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace)
    guard process.terminationStatus == 0, fields.count == 4, let kib = Int(fields[0]), let errors = Int(fields[1]),
        let seconds = Double(fields[3])
    else {
        throw BenchmarkError("child lint of \(path) failed: \(String(decoding: output, as: UTF8.self))")
    }
    return (kib, errors, seconds)
}

func executablePath() -> String {
    let argument = CommandLine.arguments[0]
    if argument.contains("/") { return URL(fileURLWithPath: argument).standardizedFileURL.path }
    return Bundle.main.executablePath ?? argument
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Row {
    var agents: Int
    var bytes: Int
    var lines: Int
    var libyamlMedian: Double
    var parseMedian: Double
    var lintMedian: Double
    var lintMin: Double
    var coldLint: Double
    var peakKiB: Int
}

func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + padding : padding + text
}

// MARK: - Main

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--child" {
    guard arguments.count == 2 else { usage() }
    runChild(path: arguments[1])
}
if arguments.first == "--profile-lint" || arguments.first == "--profile-parse" {
    guard arguments.count == 3, let count = Int(arguments[2]) else { usage() }
    runProfileLoop(path: arguments[1], count: count, parseOnly: arguments[0] == "--profile-parse")
}
if arguments.first == "--phases" {
    guard arguments.count == 2 else { usage() }
    runPhases(path: arguments[1])
}
let options = parseOptions(arguments)

#if DEBUG
print("note: this is a debug build; run `swift run -c release LintBenchmark` for meaningful figures\n")
#endif

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-lint-benchmark-\(getpid())")
do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
} catch {
    print("error: cannot create \(directory.path): \(error)")
    exit(1)
}

var rows: [Row] = []
var failed = false
do {
    let baseline = try childPeakRSS(path: "-")
    print("runs per size: \(options.runs); child-process baseline peak RSS: \(format(Double(baseline.kib) / 1024, 1)) MiB")
    print("")
    for size in options.sizes {
        let text = generatePipeline(agents: size)
        let path = directory.appendingPathComponent("pipeline-\(size).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))

        // Correctness first: the file must lint with zero errors (this run also warms up).
        let check = try Linter.lint(path: path)
        let errors = check.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            print("error: the generated \(size)-agent pipeline has \(errors.count) error(s); first ones:")
            for diagnostic in errors.prefix(5) {
                print("  \(diagnostic.code.rawValue) \(diagnostic.range.start.line):\(diagnostic.range.start.column) \(diagnostic.message)")
            }
            failed = true
            break
        }
        let warnings = check.diagnostics.count
        guard check.pipeline?.agents.count == size else {
            print("error: the \(size)-agent pipeline checked to \(check.pipeline?.agents.count ?? 0) agents")
            failed = true
            break
        }

        let file = check.file
        var libyamlTimes: [Double] = []
        var parseTimes: [Double] = []
        var lintTimes: [Double] = []
        for _ in 0..<options.runs {
            libyamlTimes.append(time { precondition(libyamlEvents(file.bytes) > 0) })
            parseTimes.append(time {
                var diagnostics = DiagnosticCollector()
                let root = YAMLParser.parse(file, diagnostics: &diagnostics)
                precondition(root != nil && !diagnostics.hasErrors)
            })
            lintTimes.append(try time {
                let result = try Linter.lint(path: path)
                precondition(!result.hasErrors)
            })
        }
        let child = try childPeakRSS(path: path)
        if child.errors != 0 {
            print("error: the child process found \(child.errors) error(s) in \(path)")
            failed = true
            break
        }
        let row = Row(
            agents: size, bytes: file.bytes.count, lines: file.lineStarts.count,
            libyamlMedian: median(libyamlTimes), parseMedian: median(parseTimes), lintMedian: median(lintTimes), lintMin: lintTimes.min()!,
            coldLint: child.seconds, peakKiB: child.kib)
        rows.append(row)
        print("  \(size) agents: \(format(Double(row.bytes) / 1_048_576, 2)) MiB, \(row.lines) lines, 0 errors, \(warnings) other diagnostic(s)")
        if !options.keepFiles { try? FileManager.default.removeItem(atPath: path) }
    }
} catch {
    print("error: \(error)")
    failed = true
}

if !rows.isEmpty {
    print("")
    let headers = ["agents", "file MiB", "lines", "libyaml ms", "parse med ms", "lint med ms", "lint min ms", "cold lint ms", "lint/parse", "µs/agent", "growth", "growth/size", "peak RSS MiB"]
    var table: [[String]] = []
    for (index, row) in rows.enumerated() {
        var growth = "-"
        var normalized = "-"
        if index > 0 {
            let previous = rows[index - 1]
            let ratio = row.lintMedian / previous.lintMedian
            growth = "×" + format(ratio, 2)
            normalized = format(ratio / (Double(row.agents) / Double(previous.agents)), 2)
        }
        table.append([
            "\(row.agents)",
            format(Double(row.bytes) / 1_048_576, 2),
            "\(row.lines)",
            format(row.libyamlMedian * 1000, 1),
            format(row.parseMedian * 1000, 1),
            format(row.lintMedian * 1000, 1),
            format(row.lintMin * 1000, 1),
            format(row.coldLint * 1000, 1),
            format(row.lintMedian / row.parseMedian, 2),
            format(row.lintMedian * 1e6 / Double(row.agents), 2),
            growth,
            normalized,
            format(Double(row.peakKiB) / 1024, 1),
        ])
    }
    var widths = headers.map(\.count)
    for line in table {
        for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    let header = zip(headers, widths).map { pad($0, $1) }.joined(separator: " | ")
    print(header)
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-"))
    for line in table {
        print(zip(line, widths).map { pad($0, $1) }.joined(separator: " | "))
    }
    print("")
    print("lint = Linter.lint(path:) end to end (read + YAML + AST + checks), in process, \(options.runs) runs per size")
    print("parse = YAMLParser.parse alone (UTF-8 check + libyaml + located tree); libyaml = its event loop only, no tree")
    print("growth = lint median ÷ previous size's; growth/size = 1.00 when linear")
    print("cold lint, peak RSS = one lint in a fresh child process: its time (the result is left for the exit to free, as enrich lint does), and its peak RSS (VmHWM; see peakRSSKiB)")
    if let row = rows.first(where: { $0.agents == 10_000 }) {
        let verdict = row.lintMedian < 0.3 ? "meets" : "MISSES"
        print("10,000 agents: \(format(row.lintMedian * 1000, 1)) ms median, \(verdict) the 300 ms goal")
    }
}
if !options.keepFiles { try? FileManager.default.removeItem(at: directory) }
exit(failed ? 1 : 0)
