import AsyncHTTPClient
import Dispatch
import EventJSON
import Foundation
import NIOCore
import StandInServers
import Synchronization

/// One benchmark run: stand-ins, `enrich run --serve ... --webhook ...`, the open-loop
/// poster, and the figures.
struct LoadRun {
    let options: BenchmarkOptions

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Ingest answers, by status (0: no answer).
    final class PostCounts: Sendable {
        let state = Mutex<(byStatus: [Int: Int], accepted: Int, latePosts: Int)>(([:], 0, 0))
    }

    func run() async throws -> String {
        let perPost = max(1, options.rate / options.postsPerSecond)
        let interval = UInt64(1e9 / Double(options.postsPerSecond))
        // The ramp raises the rate linearly to the full one (caches fill as a running
        // service's would be); figures come from the full-rate part after its warm-up.
        let rampPosts = Int(options.ramp * Double(options.postsPerSecond))
        let posts = rampPosts + Int(options.seconds * Double(options.postsPerSecond))
        var firstOfPost: [Int] = []
        var total = 0
        for post in 0..<posts {
            firstOfPost.append(total)
            total += post < rampPosts ? max(1, perPost * (post + 1) / (rampPosts + 1)) : perPost
        }
        firstOfPost.append(total)
        var postOfEvent = [Int32](repeating: 0, count: total)
        for post in 0..<posts { for sequence in firstOfPost[post]..<firstOfPost[post + 1] { postOfEvent[sequence] = Int32(post) } }
        let offered = Double(perPost * options.postsPerSecond)

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-load-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let apis = try await StandInAPIs.start()
        let ledger = DeliveryLedger(events: total)
        let webhook = try await StandInServer.start(keepingRequests: 0, handler: ledger.handler)
        let pipeline = scratch.appendingPathComponent("martech-load.yaml").path
        var yaml = BenchmarkPipeline.yaml(crm: apis.crm.baseURL, geo: apis.geo.baseURL, ads: apis.ads.baseURL, cached: options.cached)
        if let custom = options.pipeline {
            guard let text = try? String(contentsOfFile: custom, encoding: .utf8) else { throw Failure(description: "cannot read the pipeline \(custom)") }
            yaml = text.replacingOccurrences(of: "{crm}", with: apis.crm.baseURL).replacingOccurrences(of: "{geo}", with: apis.geo.baseURL)
                .replacingOccurrences(of: "{ads}", with: apis.ads.baseURL)
        }
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: pipeline))
        let enrich = options.enrich ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("enrich").path
        guard FileManager.default.isExecutableFile(atPath: enrich) else {
            throw Failure(description: "no enrich binary at \(enrich): build it with `swift build -c release --product enrich` or pass --enrich PATH")
        }
        let bound = try Self.criticalPathBound(enrich: enrich, pipeline: pipeline, plan: scratch.appendingPathComponent("plan.json").path)

        let served = try await ServedProcess.start(
            enrich, ["run", scratch.appendingPathComponent("plan.json").path, "--serve", "127.0.0.1:0", "--progress", "never",
                     "--webhook", webhook.baseURL + "/hook", "--state", scratch.appendingPathComponent("state.sqlite").path,
                     "--dead-letter", scratch.appendingPathComponent("dead-letter.jsonl").path] + options.enrichArguments)
        let loadBefore = Self.loadAverage()
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let counts = PostCounts()
        let url = "http://127.0.0.1:\(served.port)/v1/events"

        let cpuBefore = Self.cpuSeconds(pid: served.pid)
        let ownBefore = Self.cpuSeconds(pid: getpid())
        let start = DispatchTime.now().uptimeNanoseconds + 50_000_000
        var generator = SeededEvents(seed: 2024, users: options.users)
        await withTaskGroup(of: Void.self) { group in
            for post in 0..<posts {
                let due = start + UInt64(post) * interval
                let now = DispatchTime.now().uptimeNanoseconds
                if due > now {
                    try? await Task.sleep(nanoseconds: due - now)
                } else if now - due > interval {
                    counts.state.withLock { $0.latePosts += 1 }
                }
                var body = [UInt8]()
                body.reserveCapacity(perPost * 140)
                for sequence in firstOfPost[post]..<firstOfPost[post + 1] { generator.append(sequence: sequence, to: &body) }
                let payload = body
                let events = firstOfPost[post + 1] - firstOfPost[post]
                group.addTask {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/x-ndjson")
                    request.body = .bytes(ByteBuffer(bytes: payload))
                    var status = 0
                    if let response = try? await client.execute(request, timeout: .seconds(10)) {
                        status = Int(response.status.code)
                        _ = try? await response.body.collect(upTo: 1 << 16)
                    }
                    counts.state.withLock {
                        $0.byStatus[status, default: 0] += 1
                        if status == 202 { $0.accepted += events }
                    }
                }
            }
            await group.waitForAll()
        }
        let postedAt = DispatchTime.now().uptimeNanoseconds
        let accepted = counts.state.withLock { $0.accepted }
        let drainDeadline = Date().addingTimeInterval(60)
        while ledger.delivered < accepted, Date() < drainDeadline { try? await Task.sleep(nanoseconds: 10_000_000) }
        let drainedAt = DispatchTime.now().uptimeNanoseconds
        let cpuAfter = Self.cpuSeconds(pid: served.pid)
        let ownAfter = Self.cpuSeconds(pid: getpid())
        let loadAfter = Self.loadAverage()
        let status = await served.stop()
        try? await client.shutdown()
        await webhook.stop()
        await apis.stop()

        let record = ledger.snapshot
        let measuredFrom = rampPosts + Int(options.warmup * Double(options.postsPerSecond))
        var latencies: [Double] = []
        latencies.reserveCapacity(total)
        var inWindow = 0
        let windowEnd = start + UInt64((options.ramp + options.seconds) * 1e9)
        let windowStart = start + UInt64((options.ramp + options.warmup) * 1e9)
        for sequence in 0..<total {
            let at = record.arrivedAt[sequence]
            guard at != 0 else { continue }
            if at >= windowStart, at < windowEnd { inWindow += 1 }
            let post = Int(postOfEvent[sequence])
            guard post >= measuredFrom else { continue }
            let scheduled = start + UInt64(post) * interval
            latencies.append(Double(at &- scheduled) / 1e6)
        }
        latencies.sort()
        func percentile(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return latencies[min(latencies.count - 1, max(0, Int((q * Double(latencies.count)).rounded(.up)) - 1))]
        }
        let sustained = Double(inWindow) / (options.seconds - options.warmup)
        let p99 = percentile(0.99)
        let boundMilliseconds = Double(bound.microseconds) / 1000
        let goalMet = p99 <= boundMilliseconds + options.toleranceMilliseconds && record.delivered == total
        let cpuEnrich = cpuAfter - cpuBefore
        let cpuOwn = ownAfter - ownBefore
        let f = { (value: Double) in String(format: "%.1f", value) }
        var lines: [String] = []
        lines.append("LoadBenchmark: martech pipeline over HTTP ingest → webhook, \(options.ramp)s ramp then \(options.seconds)s at \(Int(offered)) events/s offered (\(perPost) events per POST, \(options.postsPerSecond) POSTs/s), \(options.users) users")
        lines.append("  stand-ins: CRM log-normal p50 80ms / p99 1.2s (seed 42), geo 5ms, ads 20ms; geo/ads answers \(options.cached ? "cached (1h / 10m)" : "not cached"); enrich \(options.enrichArguments.joined(separator: " "))")
        lines.append("  load average before/after: \(loadBefore) / \(loadAfter) (2 cores, shared)")
        lines.append("  posted \(total) events; ingest answers \(counts.state.withLock { $0.byStatus }.sorted { $0.key < $1.key }.map { "\($0.key == 0 ? "no answer" : String($0.key)): \($0.value)" }.joined(separator: ", ")) POSTs; \(counts.state.withLock { $0.latePosts }) POSTs sent over one interval late")
        lines.append("  delivered \(record.delivered) of \(accepted) accepted (\(record.duplicates) duplicate arrivals, \(record.unknown) unknown); drained \(f(Double(drainedAt &- postedAt) / 1e6)) ms after the last POST")
        lines.append("  sustained: \(f(sustained)) events/s delivered over the last \(options.seconds - options.warmup)s at full rate (offered \(Int(offered)))")
        lines.append("  end-to-end latency (scheduled send → webhook), events at full rate after its \(options.warmup)s warm-up (\(latencies.count)): p50 \(f(percentile(0.5))) ms, p90 \(f(percentile(0.9))) ms, p99 \(f(p99)) ms, p99.9 \(f(percentile(0.999))) ms, max \(f(latencies.last ?? .nan)) ms")
        lines.append("  critical-path bound: \(bound.agents) = \(f(boundMilliseconds)) ms (deadline \(bound.deadline.map { f(Double($0) / 1000) + " ms" } ?? "none"))")
        func tally(_ counts: [String: Int]) -> String { counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        lines.append("  statuses: \(tally(record.statuses)); CRM requests \(apis.crm.requestCount), geo \(apis.geo.requestCount), ads \(apis.ads.requestCount)")
        for (agent, outcomes) in record.outcomes.sorted(by: { $0.key < $1.key }) {
            var line = "  \(agent): \(tally(outcomes))"
            if let reasons = record.reasons[agent], !reasons.isEmpty {
                line += "; top reasons: " + reasons.sorted { $0.value > $1.value }.prefix(3).map { "\($0.value)× \($0.key)" }.joined(separator: "; ")
            }
            lines.append(line)
        }
        lines.append("  per second of sending (events, p50 / p99 ms): " + Self.timeline(arrivedAt: record.arrivedAt, postOfEvent: postOfEvent, start: start, interval: interval, postsPerSecond: options.postsPerSecond))
        lines.append("  CPU: enrich \(f(cpuEnrich)) s = \(f(cpuEnrich / Double(max(1, record.delivered)) * 1e6)) µs per event; this process (stand-ins, poster, webhook) \(f(cpuOwn)) s")
        lines.append("  enrich exit status \(status)")
        lines.append("  goal (p99 ≤ bound + \(Int(options.toleranceMilliseconds)) ms = \(f(boundMilliseconds + options.toleranceMilliseconds)) ms, every event delivered): \(goalMet ? "MET" : "NOT MET")")
        return lines.joined(separator: "\n")
    }

    /// Latency by the second an event was scheduled in: how many arrived, median and p99.
    static func timeline(arrivedAt: [UInt64], postOfEvent: [Int32], start: UInt64, interval: UInt64, postsPerSecond: Int) -> String {
        var seconds: [[Double]] = []
        for (sequence, at) in arrivedAt.enumerated() where at != 0 {
            let post = Int(postOfEvent[sequence])
            let second = post / postsPerSecond
            while seconds.count <= second { seconds.append([]) }
            seconds[second].append(Double(at &- (start + UInt64(post) * interval)) / 1e6)
        }
        return seconds.enumerated().map { second, values in
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return "\(second): 0" }
            let p50 = sorted[sorted.count / 2]
            let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            return "\(second): \(sorted.count) \(Int(p50))/\(Int(p99))"
        }.joined(separator: "  ")
    }

    /// The plan's critical path and deadline, from the plan `enrich compile` writes.
    struct Bound {
        var agents: String
        var microseconds: Int64
        var deadline: Int64?
    }

    /// Compiles the pipeline to `plan`; the bound is the critical path's worst case (timeouts ×
    /// attempts + backoffs along the longest dependency chain), capped by the deadline.
    static func criticalPathBound(enrich: String, pipeline: String, plan: String) throws -> Bound {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: enrich)
        process.arguments = ["compile", pipeline, "-o", plan]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "enrich compile failed (\(process.terminationStatus))") }
        let document = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: plan))))
        guard case .int(let total)? = document[path: ["plan", "criticalPath", "totalMicroseconds"]],
              case .array(let agents)? = document[path: ["plan", "criticalPath", "agents"]]
        else { throw Failure(description: "the plan has no critical path") }
        var deadline: Int64?
        if case .int(let value)? = document[path: ["plan", "deadlineMicroseconds"]] { deadline = value }
        let names = agents.compactMap { value -> String? in if case .string(let name) = value { return name } else { return nil } }
        return Bound(agents: names.joined(separator: " → "), microseconds: min(total, deadline ?? total), deadline: deadline)
    }

    /// User + system CPU seconds of a process, from /proc/PID/stat.
    static func cpuSeconds(pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .nan }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// The events of a run, reproducible from the seed: id `b<sequence>`, a user drawn
/// uniformly, who keeps one IP address for 9 events in 10 (a fresh one otherwise).
struct SeededEvents {
    var state: UInt64
    let users: Int

    init(seed: UInt64, users: Int) {
        state = seed
        self.users = max(1, users)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Appends event `sequence` as one NDJSON line.
    mutating func append(sequence: Int, to body: inout [UInt8]) {
        let random = next()
        let user = Int(random % UInt64(users))
        let address = (random >> 56) % 10 < 9 ? UInt64(user) &* 0x9E37_79B9 : random >> 20
        let ip = "10.\((address >> 16) & 255).\((address >> 8) & 255).\(address & 255)"
        let campaign = (random >> 44) % 3 == 0 ? "" : ",\"campaign_id\":\"cmp_100\((random >> 46) % 4 + 1)\""
        body.append(contentsOf: "{\"id\":\"b\(sequence)\",\"type\":\"page_view\",\"user_id\":\"u\(user)\",\"ip\":\"\(ip)\"\(campaign)}\n".utf8)
    }
}
