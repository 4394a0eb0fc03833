import EventJSON
import Foundation
import Planner
import Runtime
import Testing

extension RuntimeBehaviour {
    /// Specialization per event type is an optimisation only: running the per-type DAGs gives
    /// the same output as running every agent under its own guard.
    @Suite struct SpecializationPropertyTests {
        static let types = ["signup", "purchase", "review", "refund"]

        /// A random pipeline of `expr` and `function` agents with guards on `event.type`.
        struct RandomPipeline {
            var yaml: String
            var functionNames: [String]
        }

        static func typeLiteral(_ random: inout SeededRandom) -> String {
            "\"\(types.randomElement(using: &random)!)\""
        }

        static func atom(_ random: inout SeededRandom) -> String {
            switch Int.random(in: 0..<8, using: &random) {
            case 0, 1: return "event.type == \(typeLiteral(&random))"
            case 2: return "event.type != \(typeLiteral(&random))"
            case 3:
                let list = (0..<Int.random(in: 1...3, using: &random)).map { _ in typeLiteral(&random) }
                return "event.type in [\(list.joined(separator: ", "))]"
            case 4:
                let list = (0..<Int.random(in: 1...2, using: &random)).map { _ in typeLiteral(&random) }
                return "event.type not in [\(list.joined(separator: ", "))]"
            case 5: return "\(typeLiteral(&random)) == event.type"
            case 6: return "event.n > \(Int.random(in: 0...9, using: &random))"
            default: return "event.flag == true"
            }
        }

        static func guardExpression(_ random: inout SeededRandom) -> String {
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1: return atom(&random)
            case 2: return "\(atom(&random)) && \(atom(&random))"
            case 3: return "\(atom(&random)) || \(atom(&random))"
            case 4: return "!(\(atom(&random)))"
            default: return "(\(atom(&random)) || \(atom(&random))) && \(atom(&random))"
            }
        }

        static func pipeline(_ random: inout SeededRandom, number: Int) -> RandomPipeline {
            let count = Int.random(in: 2...6, using: &random)
            var yaml = "pipeline: random_\(number)\nagents:\n"
            var functions: [String] = []
            for index in 0..<count {
                let name = "a\(index)"
                let reads = index > 0 && Bool.random(using: &random) ? Int.random(in: 0..<index, using: &random) : nil
                let isFunction = Bool.random(using: &random)
                yaml += "  - name: \(name)\n"
                yaml += "    type: \(isFunction ? "function" : "expr")\n"
                if Int.random(in: 0..<4, using: &random) != 0 {
                    yaml += "    when: '\(guardExpression(&random))'\n"
                }
                let upstream = reads.map { "a\($0).o\($0) ?? \"none\"" } ?? "\"none\""
                if isFunction {
                    functions.append(name)
                    yaml += "    input:\n      id: event.id\n      up: '\(upstream)'\n"
                    yaml += "    output:\n      o\(index): value\n"
                } else {
                    yaml += "    output:\n      o\(index): 'concat(\"\(name):\", to_string(event.n ?? 0), \"/\", to_string(\(upstream)))'\n"
                }
            }
            return RandomPipeline(yaml: yaml, functionNames: functions)
        }

        static func events(_ random: inout SeededRandom, count: Int) -> [String] {
            (0..<count).map { index in
                var fields = ["\"id\":\"e\(index)\""]
                switch Int.random(in: 0..<10, using: &random) {
                case 0: break  // no type at all
                case 1: fields.append("\"type\":7")
                case 2: fields.append("\"type\":null")
                case 3: fields.append("\"type\":\"other\"")
                default: fields.append("\"type\":\(typeLiteral(&random))")
                }
                if Bool.random(using: &random) { fields.append("\"n\":\(Int.random(in: 0...10, using: &random))") }
                if Bool.random(using: &random) { fields.append("\"flag\":\(Bool.random(using: &random))") }
                fields.shuffle(using: &random)
                return "{" + fields.joined(separator: ",") + "}"
            }
        }

        static func calls(_ names: [String]) -> [String: AgentCall] {
            var calls: [String: AgentCall] = [:]
            for name in names {
                calls[name] = .inline { request in
                    .object(JSONObject([("value", .string("\(name)(\(JSONValue.object(request.inputs).jsonText))"))]))
                }
            }
            return calls
        }

        /// Output lines without `_enrichment`, as compact JSON.
        static func comparable(_ lines: [String]) -> [String] {
            lines.map { line in ((try? JSONReader.parse(line)) ?? .string("unparsable: " + line)).removing("_enrichment").jsonText }
        }

        @Test func specializedAndGuardOnlyRunsGiveTheSameOutput() async throws {
            var random = SeededRandom(seed: 0x5EED_2026)
            var mismatches = 0
            var specializedPlans = 0
            for number in 0..<30 {
                let generated = Self.pipeline(&random, number: number)
                let events = Self.events(&random, count: 50)
                let specialized = try Pipelines.plan(generated.yaml)
                if specialized.specializations.contains(where: { $0.eventType != nil }) { specializedPlans += 1 }
                var unspecialized = specialized
                unspecialized.specializations = []

                let workspace = try Workspace()
                defer { workspace.remove() }
                try workspace.write(events)
                let calls = Self.calls(generated.functionNames)
                let one = try await runPlan(specialized, calls: calls, in: workspace, configure: { $0.batchSize = 16 })
                let two = try await runPlan(
                    unspecialized, calls: calls, in: workspace,
                    configure: { $0 = workspace.configuration(output: workspace.path("guards.jsonl"), deadLetter: workspace.path("guards.dead.jsonl")); $0.batchSize = 16; $0.fromStart = true })
                #expect(one.output.count == 50 && two.output.count == 50)
                let left = Self.comparable(one.output)
                let right = Self.comparable(two.output)
                if left != right {
                    mismatches += 1
                    if let index = left.indices.first(where: { $0 < right.count && left[$0] != right[$0] }) {
                        Issue.record("""
                            pipeline \(number) differs on event \(events[index])
                            specialized: \(left[index])
                            guards only: \(right[index])
                            \(generated.yaml)
                            """)
                    }
                }
            }
            #expect(mismatches == 0)
            // The property is only worth something if most plans were really specialized.
            #expect(specializedPlans >= 20)
        }

        /// The smallest case the property found: an event with no `type` at all. The
        /// specializer routes it with "any other type", where `not in` is true, so the guard
        /// alone must agree (`x not in [a]` is `x != a`, which is true for a missing `x`).
        @Test(arguments: [true, false])
        func notInOnAMissingTypeHoldsWithOrWithoutSpecialization(specialized: Bool) async throws {
            var plan = try Pipelines.plan("""
                pipeline: missing_type
                agents:
                  - name: not_purchase
                    type: expr
                    when: event.type not in ["purchase"]
                    output:
                      a: '"yes"'
                  - name: other_than_purchase
                    type: expr
                    when: event.type != "purchase"
                    output:
                      b: '"yes"'
                  - name: purchase_or_signup
                    type: expr
                    when: event.type in ["purchase", "signup"]
                    output:
                      c: '"yes"'
                """)
            if !specialized { plan.specializations = [] }
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write([#"{"id":"no-type"}"#, #"{"id":"purchase","type":"purchase"}"#, #"{"id":"null-type","type":null}"#])
            let result = try await runPlan(plan, calls: [:], in: workspace)
            let fields = result.events.map { event in ["a", "b", "c"].filter { event.string($0) == "yes" } }
            #expect(fields == [["a", "b"], ["c"], ["a", "b"]])
        }
    }
}
