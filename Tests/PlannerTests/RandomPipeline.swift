import PropertyBased

/// A randomly shaped pipeline of `http` and `expr` agents, each reading some earlier ones.
///
/// The shape is kept independently of the compiler (edges and costs come from the
/// generated parameters, not from the checker), so properties can compare the plan
/// against a second, naive computation.
struct RandomPipeline: Sendable, CustomStringConvertible {
    struct Agent: Sendable {
        var isHTTP: Bool
        /// Declared per-attempt timeout in milliseconds; 0 means none is declared.
        var timeoutMilliseconds: Int
        var attempts: Int
        var backoffMilliseconds: Int
        var jitter: Bool
        /// Bits choosing which earlier agents are read and which one is waited for via `after`.
        var wiring: UInt32
    }

    var agents: [Agent]

    /// Agents `1...count`, any shape.
    static func generator(agents count: ClosedRange<Int>) -> Generator<RandomPipeline, some SendableSequenceType> {
        zip(
            Gen.bool, Gen.int(in: 0...400), Gen.int(in: 1...3), Gen.int(in: 1...60), Gen.bool,
            Gen<UInt32>.value(in: 0...UInt32.max)
        )
        .map { isHTTP, timeout, attempts, backoff, jitter, wiring in
            Agent(isHTTP: isHTTP, timeoutMilliseconds: timeout, attempts: attempts, backoffMilliseconds: backoff, jitter: jitter, wiring: wiring)
        }
        .array(of: count)
        .map { RandomPipeline(agents: $0) }
    }

    static func name(_ index: Int) -> String { "a\(index)" }

    /// The earlier agents agent `index` reads outputs of.
    func reads(_ index: Int) -> [Int] {
        guard index > 0 else { return [] }
        let wiring = Int(agents[index].wiring)
        let count = wiring & 3
        let picks = [(wiring >> 2) % index, (wiring >> 10) % index, (wiring >> 18) % index]
        var result: [Int] = []
        for pick in picks.prefix(count) where !result.contains(pick) { result.append(pick) }
        return result
    }

    /// The earlier agent listed in `after`, if any.
    func waitsFor(_ index: Int) -> Int? {
        let wiring = Int(agents[index].wiring)
        guard index > 0, wiring >> 26 & 1 == 1 else { return nil }
        return (wiring >> 27) % index
    }

    /// Every edge of the source: agent → the agents it depends on.
    var dependencies: [Set<Int>] {
        agents.indices.map { index in Set(reads(index) + (waitsFor(index).map { [$0] } ?? [])) }
    }

    /// Worst case of one agent in microseconds, computed here from the rule in grammar/README.md.
    func cost(_ index: Int) -> Int64 {
        let agent = agents[index]
        let timeout: Int64 =
            if agent.timeoutMilliseconds > 0 { Int64(agent.timeoutMilliseconds) * 1000 } else { agent.isHTTP ? 1_000_000 : 0 }
        var total = timeout * Int64(agent.attempts)
        if agent.attempts > 1 {
            for retry in 1..<agent.attempts {
                var pause = Int64(agent.backoffMilliseconds) * 1000 << (retry - 1)
                pause = min(pause, 5_000_000)
                total += agent.jitter ? pause * 2 : pause
            }
        }
        return total
    }

    /// The pipeline as YAML text.
    var yaml: String {
        var lines = ["pipeline: random", "agents:"]
        for (index, agent) in agents.enumerated() {
            let name = Self.name(index)
            lines.append("- name: \(name)")
            lines.append("  type: \(agent.isHTTP ? "http" : "expr")")
            if agent.timeoutMilliseconds > 0 { lines.append("  timeout: \(agent.timeoutMilliseconds)ms") }
            if agent.attempts > 1 {
                lines.append(
                    "  retry: {attempts: \(agent.attempts), backoff: \(agent.backoffMilliseconds)ms, max_backoff: 5s, jitter: \(agent.jitter)}")
            }
            if let after = waitsFor(index) { lines.append("  after: [\(Self.name(after))]") }
            let readTexts = reads(index).map { "to_string(\(Self.name($0)).v\($0) ?? \"-\")" }
            if agent.isHTTP {
                lines.append("  url: \"http://127.0.0.1:9/\(name)\"")
                lines.append("  input:")
                lines.append("    me: '\"\(name)\"'")
                for (position, read) in readTexts.enumerated() { lines.append("    r\(position): \(read)") }
                lines.append("  output:")
                lines.append("    v\(index): data.v")
            } else {
                // A distinct input keeps expr agents from being merged as identical calls.
                lines.append("  input:")
                lines.append("    me: '\"\(name)\"'")
                lines.append("  output:")
                let arguments = (["input.me"] + readTexts).joined(separator: ", ")
                lines.append("    v\(index): concat(\(arguments))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    var description: String { yaml }
}
