/// Pipeline YAML of a random DAG of in-process agents, the same for the same seed.
///
/// Agents are lookups (CRM and campaign tables), geoip, sentiment, the built-in
/// `crm_segment_from_id` function and `expr` agents; each reads outputs of some earlier
/// ones (`??` defaults everywhere, so the checker accepts any wiring), some are guarded
/// by the event type, some retry, and fallbacks vary (skip, defaults, fail, cache), so
/// fault injection reaches every path.
struct RandomInProcessPipeline {
    let seed: UInt64
    let agentCount: Int

    var name: String { "random_dag_\(seed)" }
    var path: String { "random/\(name).yaml" }

    /// SplitMix64: tiny, deterministic, good enough to pick shapes.
    private struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    }

    /// One earlier agent's output, as text or as a boolean.
    private struct Produced {
        var reference: String
        var isBool: Bool
    }

    var yaml: String {
        var random = Random(state: seed &* 0x2545_F491_4F6C_DD1D)
        var lines = [
            "pipeline: \(name)",
            "version: 1",
            "deadline: 60s",
            "",
            "dedup:",
            "  key: event.id",
            "  window: 10m",
            "",
            "agents:",
        ]
        var produced: [Produced] = []
        func textOf(_ random: inout Random) -> String {
            let texts = produced.filter { !$0.isBool }
            guard !texts.isEmpty else { return "event.type ?? \"none\"" }
            return "\(texts[random.below(texts.count)].reference) ?? \"none\""
        }
        for index in 0..<agentCount {
            let agent = "a\(index)"
            let kind = random.below(6)
            lines.append("  - name: \(agent)")
            var outputs: [(String, String, Bool)] = []
            switch kind {
            case 0:
                lines += ["    type: lookup", "    table: samples/data/crm_users.csv", "    key: user_id", "    input:", "      key: event.user_id"]
                outputs = [("\(agent)_segment", "segment", false), ("\(agent)_opt_in", "email_opt_in", false)]
            case 1:
                lines += ["    type: lookup", "    table: samples/data/campaigns.csv", "    key: campaign_id", "    input:"]
                let key = random.chance(50) ? "event.campaign_id ?? \"none\"" : "concat(\"cmp_100\", to_string(len(\(textOf(&random))) % 10))"
                lines.append("      key: \(key)")
                outputs = [("\(agent)_channel", "channel", false), ("\(agent)_country", "country", false)]
            case 2:
                lines += ["    type: geoip", "    database: samples/data/geoip.csv", "    input:", "      ip: event.ip"]
                outputs = [("\(agent)_country", "country", false), ("\(agent)_city", "city", false)]
            case 3:
                lines += ["    type: sentiment", "    input:"]
                lines.append(random.chance(60) ? "      text: event.description" : "      text: concat(event.description ?? \"\", \" \", \(textOf(&random)))")
                outputs = [("\(agent)_label", "label", false)]
            case 4:
                lines += ["    type: function", "    function: crm_segment_from_id", "    input:", "      user_id: event.user_id"]
                outputs = [("\(agent)_segment", "segment", false)]
            default:
                lines += ["    type: expr", "    output:"]
                let choice = random.below(4)
                let expression: String
                var isBool = false
                switch choice {
                case 0: expression = "lower(concat(\(textOf(&random)), \"/\", \(textOf(&random))))"
                case 1:
                    expression = "(\(textOf(&random))) in [\"vip\", \"loyal\", \"US\", \"positive\", \"email\"]"
                    isBool = true
                case 2:
                    let flags = produced.filter(\.isBool)
                    let flag = flags.isEmpty ? "event.type == \"review\"" : "(\(flags[random.below(flags.count)].reference) ?? false)"
                    expression = "\(flag) && (\(textOf(&random))) != \"none\""
                    isBool = true
                default: expression = "\"{\(textOf(&random).replacingOccurrences(of: " ?? \"none\"", with: ""))}-\" + (event.type ?? \"?\")"
                }
                lines.append("      \(agent)_value: \(Self.quoted(expression))")
                produced.append(Produced(reference: "\(agent).\(agent)_value", isBool: isBool))
                if random.chance(25) {
                    lines.append("    when: event.type == \"\(["review", "purchase", "page_view"][random.below(3)])\"")
                }
                continue
            }
            lines.append("    output:")
            for (output, path, _) in outputs { lines.append("      \(output): \(path)") }
            if random.chance(30) {
                lines.append("    when: event.type \(random.chance(50) ? "==" : "!=") \"\(["review", "purchase", "page_view", "signup"][random.below(4)])\"")
            }
            if random.chance(50) {
                lines += ["    retry:", "      attempts: \(2 + random.below(2))", "      backoff: 1ms", "      max_backoff: 2ms", "      jitter: false"]
            }
            switch random.below(5) {
            case 0: lines.append("    fallback: fail")
            case 1:
                lines.append("    fallback:")
                lines.append("      default: {\(outputs.map { "\($0.0): \"fallback\"" }.joined(separator: ", "))}")
            case 2:
                lines += ["    fallback: cache", "    cache:", "      ttl: 10m"]
            default: lines.append("    fallback: skip")
            }
            for (output, _, isBool) in outputs { produced.append(Produced(reference: "\(agent).\(output)", isBool: isBool)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
