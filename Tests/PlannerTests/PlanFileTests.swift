import Foundation
import Testing

@testable import Planner

@Suite("plan file codec")
struct PlanFileTests {
    static let sample = """
        pipeline: codec
        deadline: 5s
        event:
          type: string
          user_id: string
          score: float?
        dedup:
          key: event.user_id
          window: 1m
        agents:
        - name: crm
          type: http
          method: POST
          idempotent: true
          url: "http://127.0.0.1:9/users/{event.user_id}"
          headers:
            Authorization: "Bearer {env.CRM_TOKEN}"
          retry: {attempts: 2, backoff: 50ms}
          fallback: {default: {segment: "unknown", weight: 1.5}}
          cache: {key: lower(event.user_id), ttl: 10m}
          rate_limit: 20/s
          input:
            user: event.user_id
          output:
            segment: data.segment
            weight: {path: data.weight, type: float}
        - name: calc
          type: expr
          when: event.type not in ["ping"] && !(event.score == null)
          output:
            boosted: (event.score ?? 0.5) * 2.0 + -1.25
            delay: 250ms
        - name: worker
          type: process
          command: [python3, worker.py]
          input:
            seg: crm.segment ?? "x"
          output:
            answer: result.answer
        """

    @Test func roundTripIsExact() throws {
        let plan = try PlannerFixture.compiled(Self.sample)
        let bytes = PlanFile.encode(plan)
        let decoded = try PlanFile.decode(bytes)
        #expect(decoded == plan)
        #expect(PlanFile.encode(decoded) == bytes)
    }

    @Test func headerComesFirstAndFieldsAreSorted() throws {
        let text = String(decoding: PlanFile.encode(try PlannerFixture.compiled(Self.sample)), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "{")
        #expect(lines[1] == "  \"compiler\": \"enrich test\",")
        #expect(lines[2] == "  \"format\": \"enrich-plan\",")
        #expect(text.hasSuffix("  \"version\": 1\n}\n"))
        #expect(PlanFile.looksLikePlan(Array(text.utf8)))
        #expect(!PlanFile.looksLikePlan(Array(Self.sample.utf8)))
    }

    @Test func expressionsAreCompactReadableTrees() throws {
        let text = String(decoding: PlanFile.encode(try PlannerFixture.compiled(Self.sample)), as: UTF8.self)
        #expect(text.contains(#"{"template": ["Bearer ", {"env": "CRM_TOKEN"}]}"#))
        #expect(text.contains(#"{"lhs": {"event": ["score"]}, "op": "==", "rhs": {"lit": null}}"#))
        #expect(text.contains(#"{"duration": "250ms"}"#))
        #expect(text.contains(#""op": "not in""#))
        #expect(text.contains(#"{"float": 1.5}"#))
    }

    @Test func secretValuesNeverReachThePlan() throws {
        let secret = "s3cr3t-crm-token-4f9a1c"
        setenv("CRM_TOKEN", secret, 1)
        defer { unsetenv("CRM_TOKEN") }
        let bytes = PlanFile.encode(try PlannerFixture.compiled(Self.sample))
        #expect(!bytes.contains(Array(secret.utf8)))
        #expect(String(decoding: bytes, as: UTF8.self).contains(#"{"env": "CRM_TOKEN"}"#))
    }

    @Test func truncatedFileIsReportedAsCorrupt() throws {
        let bytes = PlanFile.encode(try PlannerFixture.compiled(Self.sample))
        // Cut at a line break (never inside a string) about halfway.
        let cut = bytes[..<(bytes.count / 2)].lastIndex(of: UInt8(ascii: "\n")) ?? bytes.count / 2
        let error = #expect(throws: PlanFileError.self) { try PlanFile.decode(Array(bytes.prefix(cut))) }
        guard case .corrupt(let detail)? = error else { Issue.record("expected .corrupt, got \(String(describing: error))"); return }
        #expect(detail.hasPrefix("unexpected end of input"))
        #expect(error?.description.hasPrefix("plan file is truncated or corrupt: unexpected end of input at line ") == true)
    }

    @Test func textThatIsNotJSONIsCorrupt() {
        #expect(throws: PlanFileError.corrupt("unexpected character `a` at line 1, column 1")) { try PlanFile.decode(Array("agents: []".utf8)) }
        #expect(throws: PlanFileError.corrupt("unexpected end of input at line 1, column 1")) { try PlanFile.decode([]) }
    }

    @Test func wrongFormatNameIsNotAPlan() {
        let error = #expect(throws: PlanFileError.self) { try PlanFile.decode(Array(#"{"format": "other", "version": 1}"#.utf8)) }
        #expect(error == .notAPlan(format: "other"))
        #expect(error?.description == "not an enrich plan file: its format is `other`, expected `enrich-plan`")
        #expect(throws: PlanFileError.notAPlan(format: nil)) { try PlanFile.decode(Array(#"{"agents": []}"#.utf8)) }
    }

    @Test func newerVersionSaysSoBeforeAnythingElse() {
        let error = #expect(throws: PlanFileError.self) {
            try PlanFile.decode(Array(#"{"format": "enrich-plan", "version": 2, "plan": {"shape": "unknown"}}"#.utf8))
        }
        #expect(error == .newerVersion(found: 2, supported: 1))
        #expect(error?.description.hasPrefix("written by a newer enrich: plan format 2, this enrich reads format 1") == true)
    }

    @Test func missingFieldsAreNamedByPath() throws {
        let bytes = PlanFile.encode(try PlannerFixture.compiled(Self.sample))
        let text = String(decoding: bytes, as: UTF8.self)
        let withoutKind = text.replacingOccurrences(of: "\"kind\": \"expr\",", with: "")
        let error = #expect(throws: PlanFileError.self) { try PlanFile.decode(Array(withoutKind.utf8)) }
        #expect(error == .missingField(path: "plan.agents[1].kind"))
        #expect(error?.description == "plan file is missing `plan.agents[1].kind`")
    }

    @Test func wrongValueTypesAreNamedByPath() throws {
        let text = String(decoding: PlanFile.encode(try PlannerFixture.compiled(Self.sample)), as: UTF8.self)
        let broken = text.replacingOccurrences(of: "\"concurrency\": 64", with: "\"concurrency\": \"many\"")
        let error = #expect(throws: PlanFileError.self) { try PlanFile.decode(Array(broken.utf8)) }
        #expect(error == .invalidValue(path: "plan.agents[0].concurrency", expected: "an integer", found: "a string"))
    }

    @Test func dependenciesMustPointBackwards() throws {
        var plan = try PlannerFixture.compiled(Self.sample)
        plan.agents[0].dependencies = [2]
        let error = #expect(throws: PlanFileError.self) { try PlanFile.decode(PlanFile.encode(plan)) }
        #expect(error == .invalidValue(path: "plan.agents[0].dependencies[0]", expected: "the index of an earlier agent (below 0)", found: "2"))
    }
}
