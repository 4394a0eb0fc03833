import EventJSON
import Foundation
import Planner
import Runtime
import RuntimeState
import Testing

extension RuntimeBehaviour {
    /// Lines that are not events go to the dead-letter file with line and reason; nothing is dropped.
    @Suite struct DeadLetterTests {
        static let pipeline = """
            pipeline: dead_letter
            dedup:
              key: event.id
              window: 10m
            agents:
              - name: tag
                type: function
                timeout: 1s
                input:
                  id: event.id
                output:
                  tag: value
            """

        /// Twelve input lines: 4 events, 7 unusable lines, 1 duplicate.
        static var input: [UInt8] {
            var bytes: [UInt8] = []
            func line(_ text: String, ending: String = "\n") { bytes += Array(text.utf8) + Array(ending.utf8) }
            line(#"{"id":"e1","user_id":"u1"}"#)  // 1
            line(#"{"id": "e2", broken"#)  // 2 malformed
            line("[1,2,3]")  // 3 an array
            line("")  // 4 empty
            bytes += Array(#"{"id":"e5","name":""#.utf8) + [0xFF, 0xFE, 0x41] + Array("\"}\n".utf8)  // 5 invalid UTF-8
            line("  \t ")  // 6 blanks only
            line(#"{"id":"e1","user_id":"u1","again":true}"#)  // 7 duplicate of line 1
            line(#"{"id":"e8","user_id":"u8"}"#)  // 8
            line(#""just a string""#)  // 9 a scalar
            line(#"{"id":"e10","user_id":"u10"}"#, ending: "\r\n")  // 10 CRLF
            line(#"{"id":"e11"} trailing"#)  // 11 trailing garbage
            line(#"{"id":"e12","user_id":"u12"}"#, ending: "")  // 12 no final newline
            return bytes
        }

        static let invalidUTF8Line: [UInt8] = Array(#"{"id":"e5","name":""#.utf8) + [0xFF, 0xFE, 0x41] + Array("\"}".utf8)

        @Test func everyUnusableLineGoesToTheDeadLetterFileWithItsLineNumberAndAReason() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.input)
            let state = try SQLiteRunState(path: workspace.state)
            let result = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: state)

            #expect(result.ids == ["e1", "e8", "e10", "e12"])
            let dead = result.deadLetterObjects
            #expect(dead.map { $0.int("line") ?? -1 } == [2, 3, 4, 5, 6, 9, 11])
            for object in dead {
                let reason = object.string("reason") ?? ""
                #expect(!reason.isEmpty, "line \(object.int("line") ?? -1) has no reason")
            }
            #expect(dead.first { $0.int("line") == 4 }?.string("reason") == "empty line")
            #expect(dead.first { $0.int("line") == 6 }?.string("reason") == "empty line")
            // The input is kept: as text, or as base64 when it is not UTF-8.
            #expect(dead.first { $0.int("line") == 2 }?.string("input") == #"{"id": "e2", broken"#)
            #expect(dead.first { $0.int("line") == 3 }?.string("input") == "[1,2,3]")
            #expect(dead.first { $0.int("line") == 9 }?.string("input") == #""just a string""#)
            let invalid = try #require(dead.first { $0.int("line") == 5 })
            #expect(invalid.value("input") == nil)
            let base64 = try #require(invalid.string("input_base64"))
            #expect(Data(base64Encoded: base64).map(Array.init) == Self.invalidUTF8Line)

            // Nothing dropped: input lines = output + dead letter + duplicates.
            let metrics = result.summary.metrics
            #expect(metrics.statuses["duplicate"] == 1)
            #expect(metrics.statuses["malformed"] == 7)
            #expect(result.output.count + result.deadLetter.count + (metrics.statuses["duplicate"] ?? 0) == 12)
            #expect(result.summary.events == 12)

            let audit = try state.store.auditCounts()
            #expect(audit[.duplicate] == 1)
            #expect(audit[.deadLetter] == 7)
            #expect(audit[.complete] == 4)
        }

        @Test func theDeadLetterFileParsesLineByLine() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            try workspace.write(Self.input)
            let result = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, state: try SQLiteRunState(path: workspace.state))
            #expect(result.deadLetter.count == 7)
            for line in result.deadLetter {
                #expect(throws: Never.self) { try JSONReader.parse(line) }
            }
            for line in result.output {
                #expect(throws: Never.self) { try JSONReader.parse(line) }
            }
        }

        /// A line longer than `maxLineBytes` that the reader gets in one read (the limit is under its 1 MiB chunk).
        @Test func anOverLongLineGoesToTheDeadLetterCutAtTheLimit() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            let long = "{\"id\":\"big\",\"pad\":\"" + String(repeating: "x", count: 5000) + "\"}"
            try workspace.write([#"{"id":"a"}"#, long, #"{"id":"b"}"#])
            let result = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, configure: { $0.maxLineBytes = 1000 })
            #expect(result.ids == ["a", "b"])
            let dead = try #require(result.deadLetterObjects.first)
            #expect(result.deadLetter.count == 1)
            #expect(dead.int("line") == 2)
            #expect(dead.string("input")?.utf8.count == 1000)
        }

        /// A line longer than `maxLineBytes` that spans several reads.
        @Test func anOverLongLineSpanningSeveralReadsGoesToTheDeadLetterCutAtTheLimit() async throws {
            let plan = try Pipelines.plan(Self.pipeline)
            let workspace = try Workspace()
            defer { workspace.remove() }
            let long = "{\"id\":\"big\",\"pad\":\"" + String(repeating: "x", count: 3 << 20) + "\"}"
            try workspace.write([#"{"id":"a"}"#, long, #"{"id":"b"}"#])
            let result = try await runPlan(plan, calls: ["tag": Behaviour.inline("tag")], in: workspace, configure: { $0.maxLineBytes = 2 << 20 })
            #expect(result.ids == ["a", "b"])
            #expect(result.deadLetter.count == 1)
            let dead = try #require(result.deadLetterObjects.first)
            #expect(dead.int("line") == 2)
            #expect(dead.string("input")?.utf8.count == 2 << 20)
            #expect(dead.string("reason")?.contains("\(long.utf8.count + 1)") == true, "reason: \(dead.string("reason") ?? "none")")
        }
    }
}
