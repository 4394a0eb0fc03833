import EventJSON
import Foundation
import GRDB
import Testing

@testable import Agents

@Suite("in-process agent factory")
struct InProcessAgentFactoryTests {
    static let functions = FunctionRegistry.builtIn

    @Test func buildsTheSampleAgentsRelativeToTheBaseDirectory() throws {
        let geocode = try InProcessAgentFactory.make(
            planAgent(name: "geocode", kind: "geoip", settings: ["database": "samples/data/geoip.csv"], inputs: ["ip"]),
            baseDirectory: repositoryRoot, functions: Self.functions
        )
        #expect(object(try geocode.call(inputs(("ip", .string("198.51.100.7")))))?["country"] == .string("GB"))
        let attribution = try InProcessAgentFactory.make(
            planAgent(
                name: "ad_attribution", kind: "lookup", settings: ["table": "samples/data/campaigns.csv", "key": "campaign_id"],
                inputs: ["key", "country"]
            ),
            baseDirectory: repositoryRoot, functions: Self.functions
        )
        #expect(object(try attribution.call(inputs(("key", .string("cmp_1001")), ("country", .string("US")))))?["channel"] == .string("paid_search"))
        let sentiment = try InProcessAgentFactory.make(
            planAgent(name: "sentiment", kind: "sentiment", settings: [:], inputs: ["text"]),
            baseDirectory: repositoryRoot, functions: Self.functions
        )
        #expect(object(try sentiment.call(inputs(("text", .string("I love it!")))))?["label"] == .string("positive"))
        // The seed file's function agent: no `function` setting, so the agent's name.
        let crm = try InProcessAgentFactory.make(
            planAgent(name: "crm_lookup", kind: "function", settings: [:], inputs: ["user_id"]),
            baseDirectory: repositoryRoot, functions: Self.functions
        )
        #expect(object(try crm.call(inputs(("user_id", .string("u_1")))))?["segment"] != nil)
        let loyalty = try InProcessAgentFactory.make(
            planAgent(name: "loyalty", kind: "function", settings: ["function": "loyalty_points"], inputs: ["amount_usd"]),
            baseDirectory: repositoryRoot, functions: Self.functions
        )
        #expect(object(try loyalty.call(inputs(("amount_usd", .double(12.5)))))?["points"] == .int(12))
    }

    @Test func sqliteLookupAndCustomLexiconFromTheBaseDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("data"), withIntermediateDirectories: true)
        _ = try LookupAgentTests.makeCustomers(in: directory, name: "data/customers.sqlite")
        try directory.write("data/words.txt", "stellar\t3.1\n")
        let customer = try InProcessAgentFactory.make(
            planAgent(
                name: "customer", kind: "lookup",
                settings: ["table": "data/customers.sqlite", "sql_table": "customers", "key": "customer_id"], inputs: ["key"]
            ),
            baseDirectory: directory.url, functions: Self.functions
        )
        #expect(object(try customer.call(inputs(("key", .string("cus_0003")))))?["tier"] == .string("pro"))
        let tone = try InProcessAgentFactory.make(
            planAgent(name: "tone", kind: "sentiment", settings: ["lexicon": "data/words.txt"], inputs: ["text"]),
            baseDirectory: directory.url, functions: Self.functions
        )
        #expect(object(try tone.call(inputs(("text", .string("a stellar release")))))?["label"] == .string("positive"))
        // Absolute paths are taken as they are.
        let absolute = try InProcessAgentFactory.make(
            kind: "lookup", name: "abs",
            settings: ["table": directory.url.appendingPathComponent("data/customers.sqlite").path, "sql_table": "orders", "key": "order_id"],
            baseDirectory: URL(fileURLWithPath: "/nonexistent"), functions: Self.functions
        )
        #expect(object(try absolute.call(inputs(("key", .int(8)))))?["total"] == .double(5))
    }

    /// samples/support-tickets.yaml's `customer` agent, on the database samples/data/customers.sql creates.
    @Test func sampleCustomersDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let sql = try String(contentsOf: repositoryRoot.appendingPathComponent("samples/data/customers.sql"), encoding: .utf8)
        let queue = try DatabaseQueue(path: directory.url.appendingPathComponent("customers.sqlite").path)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
        let customer = try InProcessAgentFactory.make(
            planAgent(
                name: "customer", kind: "lookup",
                settings: ["table": "customers.sqlite", "sql_table": "customers", "key": "customer_id"], inputs: ["key"]
            ),
            baseDirectory: directory.url, functions: Self.functions
        )
        let row = try #require(object(try customer.call(inputs(("key", .string("cus_0004"))))))
        #expect(row["tier"] == .string("enterprise"))
        #expect(row["annual_revenue"] == .double(251_500))
        #expect(row["account_manager"] == .string("aiko.tanaka"))
        #expect(object(try customer.call(inputs(("key", .string("cus_0003")))))?["account_manager"] == .null)
    }

    @Test func fileNotFoundShowsTheResolvedPath() {
        let base = URL(fileURLWithPath: "/srv/pipelines/./martech")
        #expect(throws: AgentLoadError(
            agent: "geocode",
            "database file not found: /srv/pipelines/martech/data/geo.csv (`data/geo.csv` relative to /srv/pipelines/martech)"
        )) {
            try InProcessAgentFactory.make(
                planAgent(name: "geocode", kind: "geoip", settings: ["database": "data/geo.csv"], inputs: ["ip"]),
                baseDirectory: base, functions: Self.functions
            )
        }
        #expect(throws: AgentLoadError(agent: "t", "table file not found: /nope/t.csv")) {
            try InProcessAgentFactory.make(
                kind: "lookup", name: "t", settings: ["table": "/nope/t.csv", "key": "k"], baseDirectory: base, functions: Self.functions
            )
        }
    }

    @Test func loadErrorsAreAttributedToTheAgent() throws {
        do {
            _ = try InProcessAgentFactory.make(
                planAgent(name: "ad_attribution", kind: "lookup", settings: ["table": "samples/data/campaigns.csv", "key": "campaign"], inputs: ["key"]),
                baseDirectory: repositoryRoot, functions: Self.functions
            )
            Issue.record("expected an error")
        } catch {
            #expect(error.agent == "ad_attribution")
            #expect(error.file == repositoryRoot.appendingPathComponent("samples/data/campaigns.csv").standardized.path)
            #expect(error.line == 1)
            #expect(error.description.hasPrefix("agent `ad_attribution`: \(error.file!):1: has no column `campaign`"))
        }
    }

    @Test func settingAndInputErrors() {
        let cases: [(String, [String: String], [String], AgentLoadError)] = [
            ("lookup", ["key": "k"], ["key"], AgentLoadError(agent: "a", "a lookup agent needs `table`: the path of its file")),
            ("lookup", ["table": "samples/data/campaigns.csv"], ["key"], AgentLoadError(
                agent: "a", "a lookup agent needs `key`: the column of \(repositoryRoot.appendingPathComponent("samples/data/campaigns.csv").standardized.path) to look the input `key` up in"
            )),
            ("geoip", [:], ["ip"], AgentLoadError(agent: "a", "a geoip agent needs `database`: the path of its file")),
            ("geoip", ["database": "samples"], ["ip"], AgentLoadError(agent: "a", "database `\(repositoryRoot.appendingPathComponent("samples").standardized.path)` is a directory, not a file")),
            ("geoip", ["database": "samples/data/geoip.csv"], ["address"], AgentLoadError(agent: "a", "a geoip agent reads its input `ip`, and this agent has only `address`")),
            ("sentiment", [:], [], AgentLoadError(agent: "a", "a sentiment agent reads its input `text`, and this agent has no inputs")),
            ("lookup", ["table": "samples/data/campaigns.csv", "key": "campaign_id"], ["kye"], AgentLoadError(
                agent: "a", "a lookup agent reads its input `key`, and this agent has only `kye`\nhelp: rename the input `kye` to `key`"
            )),
            ("function", ["function": "loyalty_point"], [], AgentLoadError(
                agent: "a", "no function named `loyalty_point` is registered; registered: `crm_lookup`, `crm_segment_from_id`, `loyalty_points`\nhelp: did you mean `loyalty_points`?"
            )),
            ("expr", [:], [], AgentLoadError(agent: "a", "`expr` agents are evaluated by the runtime itself, not built as in-process agents")),
            ("http", [:], [], AgentLoadError(agent: "a", "`http` agents do I/O and run asynchronously in the runtime; they are not in-process agents")),
            ("local_llm", [:], [], AgentLoadError(agent: "a", "`local_llm` agents do I/O and run asynchronously in the runtime; they are not in-process agents")),
            ("geoipp", [:], [], AgentLoadError(
                agent: "a", "unknown agent type `geoipp`; in-process types are `lookup`, `geoip`, `sentiment`, `function`\nhelp: did you mean `geoip`?"
            )),
        ]
        for (kind, settings, inputs, expected) in cases {
            #expect(throws: expected, "\(kind) \(settings)") {
                try InProcessAgentFactory.make(
                    planAgent(name: "a", kind: kind, settings: settings, inputs: inputs), baseDirectory: repositoryRoot, functions: Self.functions
                )
            }
        }
        #expect(InProcessAgentFactory.isInProcess(kind: "geoip"))
        #expect(!InProcessAgentFactory.isInProcess(kind: "expr"))
    }
}
