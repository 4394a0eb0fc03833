import Foundation
import Planner
import Runtime
import Testing

/// The interpreter and the generated pipelines write identical lines (timing aside) for
/// the same events: every runnable sample and random DAGs, with and without faults.
@Suite("interpreter and generated Swift agree")
struct DifferentialTests {
    static var runnable: [EmitterFixtures.Fixture] { EmitterFixtures.all.filter { DifferentialRun.compiled[$0.name] != nil } }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-differential-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: runnable)
    func sameOutputOnTheSameEvents(_ fixture: EmitterFixtures.Fixture) async throws {
        let plan = try EmitterFixtures.plan(fixture)
        let type = try #require(DifferentialRun.compiled[fixture.name])
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = directory.appendingPathComponent("events.jsonl")
        try DifferentialEvents.write(count: 600, seed: 7, to: events)
        let interpreted = try await DifferentialRun.run(plan, engine: .interpreter, events: events, directory: directory)
        let generated = try await DifferentialRun.run(plan, engine: .generated(type), events: events, directory: directory)
        #expect(interpreted.enriched.count > 400)
        #expect(!interpreted.deadLetter.isEmpty)
        expectSame(interpreted, generated)
    }

    @Test(arguments: runnable)
    func sameOutputUnderTheSameInjectedFaults(_ fixture: EmitterFixtures.Fixture) async throws {
        let plan = try EmitterFixtures.plan(fixture)
        let type = try #require(DifferentialRun.compiled[fixture.name])
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = directory.appendingPathComponent("events.jsonl")
        try DifferentialEvents.write(count: 250, seed: 11, to: events)
        for seed: UInt64 in [1, 2] {
            let interpreted = try await DifferentialRun.run(plan, engine: .interpreter, events: events, faults: (seed, 0.3), directory: directory)
            let generated = try await DifferentialRun.run(plan, engine: .generated(type), events: events, faults: (seed, 0.3), directory: directory)
            expectSame(interpreted, generated)
        }
    }

    /// Faults reach the fallback paths the comparison is about: retries, defaults, cache
    /// fallbacks, skips and failed events all occur across the random DAGs. (A stale cache
    /// needs an entry to expire, which depends on the clock, so it is not among them.)
    @Test func injectedFaultsReachEveryFallbackPath() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = directory.appendingPathComponent("events.jsonl")
        try DifferentialEvents.write(count: 250, seed: 11, to: events)
        var text = ""
        for fixture in Self.runnable where fixture.name.hasPrefix("random_dag") {
            let plan = try EmitterFixtures.plan(fixture)
            let type = try #require(DifferentialRun.compiled[fixture.name])
            let output = try await DifferentialRun.run(plan, engine: .generated(type), events: events, faults: (1, 0.3), directory: directory)
            text += (output.enriched + output.deadLetter).joined(separator: "\n")
        }
        for outcome in ["\"outcome\":\"default\"", "nothing cached to fall back on", "\"outcome\":\"skipped\"", "\"status\":\"failed\"", "\"attempts\":2"] {
            if !text.contains(outcome) { Issue.record("no \(outcome) in any output") }
        }
        if !text.contains("injected fault") { Issue.record("no injected fault in any output") }
    }

    @Test func everyRunnableFixtureHasAGeneratedType() {
        let names = Set(EmitterFixtures.all.map(\.name))
        #expect(Set(DifferentialRun.compiled.keys).isSubset(of: names))
        #expect(EmitterFixtures.randomPipelines.allSatisfy { DifferentialRun.compiled[$0.name] != nil })
    }

    private func expectSame(_ interpreted: DifferentialRun.Output, _ generated: DifferentialRun.Output, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(interpreted.enriched.count == generated.enriched.count, sourceLocation: sourceLocation)
        #expect(interpreted.deadLetter.count == generated.deadLetter.count, sourceLocation: sourceLocation)
        for (line, (a, b)) in zip(interpreted.enriched, generated.enriched).enumerated() where a != b {
            Issue.record("output line \(line + 1) differs:\ninterpreter: \(a)\ngenerated:   \(b)", sourceLocation: sourceLocation)
            break
        }
        for (line, (a, b)) in zip(interpreted.deadLetter, generated.deadLetter).enumerated() where a != b {
            Issue.record("dead-letter line \(line + 1) differs:\ninterpreter: \(a)\ngenerated:   \(b)", sourceLocation: sourceLocation)
            break
        }
    }
}
