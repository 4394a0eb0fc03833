import EventJSON
import Foundation
import GRDB
import Testing

@testable import Agents

@Suite("lookup agent")
struct LookupAgentTests {
    static let campaigns = """
        campaign_id,channel,campaign_name,budget,ratio,country,zip
        cmp_1001,paid_search,Spring Sale 2024 - Search,12000,0.25,US,02134
        cmp_1012,email,"Holiday Gift Guide, VIP Edition",800,1e-2,FR,
        none,direct,"He said ""hi""
        twice",0,-0.5,,007
        42,display,Numeric key,-3,3.0,DE,+5
        cmp_1001,paid_social,Duplicate of the first,1,1,GB,1

        """

    @Test func csvRowsAreTypedAndKeyed() throws {
        let agent = try LookupAgent(csvText: Self.campaigns, keyColumn: "campaign_id", source: "campaigns.csv")
        #expect(agent.rowCount == 4)
        #expect(agent.columns == ["campaign_id", "channel", "campaign_name", "budget", "ratio", "country", "zip"])
        let row = try #require(object(try agent.call(inputs(("key", .string("cmp_1012"))))))
        #expect(row.keys == agent.columns)
        #expect(row["campaign_name"] == .string("Holiday Gift Guide, VIP Edition"))
        #expect(row["budget"] == .int(800))
        #expect(row["ratio"] == .double(0.01))
        #expect(row["zip"] == .null)  // empty cell
        let first = try #require(agent.row(forKey: "cmp_1001"))
        #expect(first["zip"] == .string("02134"))  // leading zero: stays text
        #expect(first["ratio"] == .double(0.25))
        let none = try #require(agent.row(forKey: "none"))
        #expect(none["campaign_name"] == .string("He said \"hi\"\ntwice"))
        #expect(none["country"] == .null)
        #expect(none["zip"] == .string("007"))
        #expect(none["ratio"] == .double(-0.5))
        let numeric = try #require(agent.row(forKey: "42"))
        #expect(numeric["budget"] == .int(-3))
        #expect(numeric["ratio"] == .double(3))
        #expect(numeric["zip"] == .string("+5"))
    }

    @Test func duplicateKeysKeepTheFirstRowAndAreCounted() throws {
        let agent = try LookupAgent(csvText: Self.campaigns, keyColumn: "campaign_id", source: "campaigns.csv")
        #expect(agent.duplicateKeyCount == 1)
        #expect(agent.row(forKey: "cmp_1001")?["channel"] == .string("paid_search"))
        // The quoted line break shifts the lines after it: the duplicate is on line 7.
        #expect(agent.warnings == [
            "campaigns.csv: 1 row ignored for a duplicate `campaign_id` (the first row wins); the first: `cmp_1001` at line 7, first seen at line 2"
        ])
    }

    @Test func keysMatchAsText() throws {
        let agent = try LookupAgent(csvText: Self.campaigns, keyColumn: "campaign_id")
        #expect(object(try agent.call(inputs(("key", .int(42)))))?["channel"] == .string("display"))
        #expect(object(try agent.call(inputs(("key", .double(42)))))?["channel"] == .string("display"))
        #expect(object(try agent.call(inputs(("key", .string("42")))))?["channel"] == .string("display"))
        #expect(LookupAgent.keyText(.double(2.5)) == "2.5")
        #expect(LookupAgent.keyText(.bool(true)) == "true")
        #expect(LookupAgent.keyText(.null) == nil)
    }

    @Test func notFoundIsAnEmptyObjectNotAFailure() throws {
        let agent = try LookupAgent(csvText: Self.campaigns, keyColumn: "campaign_id")
        #expect(try agent.call(inputs(("key", .string("cmp_9999")))) == .emptyObject)
        #expect(try agent.call(inputs(("key", .null))) == .emptyObject)
        #expect(try agent.call(JSONObject()) == .emptyObject)
        #expect(try agent.call(inputs(("key", .bool(false)))) == .emptyObject)
    }

    @Test func structuredKeysFailWithoutRetry() throws {
        let agent = try LookupAgent(csvText: Self.campaigns, keyColumn: "campaign_id")
        #expect(throws: AgentFailure.invalidInput("lookup key must be a string or a number, got array")) {
            try agent.call(inputs(("key", .array([.string("a")]))))
        }
    }

    @Test func missingKeyColumnListsTheColumns() throws {
        #expect(throws: AgentLoadError(
            file: "campaigns.csv", line: 1,
            "has no column `campaign` (the `key` setting); its columns are: `campaign_id`, `channel`, `campaign_name`, `budget`, `ratio`, `country`, `zip`"
        )) {
            try LookupAgent(csvText: Self.campaigns, keyColumn: "campaign", source: "campaigns.csv")
        }
        do {
            _ = try LookupAgent(csvText: Self.campaigns, keyColumn: "campain_id", source: "campaigns.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasSuffix("help: did you mean `campaign_id`?"))
        }
    }

    @Test func malformedCSVNamesTheLine() throws {
        let cases: [(String, AgentLoadError)] = [
            ("", AgentLoadError(file: "t.csv", line: 1, "is empty: expected a header row of column names")),
            ("a,b\n1,2\n3\n", AgentLoadError(file: "t.csv", line: 3, "row has 1 field, the header has 2 (a quote not closed, or a comma in an unquoted value?)")),
            ("a,b\n1,2\n\"3\"x,4\n5,6\n", AgentLoadError(file: "t.csv", line: 3, "row has 1 field, the header has 2 (a quote not closed, or a comma in an unquoted value?)")),
            ("a,b\n1,2,3\n", AgentLoadError(file: "t.csv", line: 2, "row has 3 fields, the header has 2 (a quote not closed, or a comma in an unquoted value?)")),
            ("a,,c\n1,2,3\n", AgentLoadError(file: "t.csv", line: 1, "column 2 of the header has no name")),
            ("a,b,a\n1,2,3\n", AgentLoadError(file: "t.csv", line: 1, "column `a` appears twice in the header (columns 1 and 3)")),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { try LookupAgent(csvText: text, keyColumn: "a", source: "t.csv") }
        }
    }

    @Test func csvFileWithCRLFAndBOM() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let file = try directory.write("fx.csv", "\u{FEFF}currency,usd_per_unit\r\nEUR,1.0854\r\nJPY,0.006412\r\n")
        let agent = try LookupAgent(table: file, keyColumn: "currency")
        #expect(agent.row(forKey: "JPY")?["usd_per_unit"] == .double(0.006412))
        #expect(agent.source == file.path)
    }

    @Test func fileErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let missing = directory.url.appendingPathComponent("nope.csv")
        #expect(throws: AgentLoadError(file: missing.path, "file not found")) {
            try LookupAgent(table: missing, keyColumn: "k")
        }
        let bad = directory.url.appendingPathComponent("bad.csv")
        try Data([0x6B, 0x0A, 0x61, 0x0A, 0xFF, 0x0A]).write(to: bad)
        #expect(throws: AgentLoadError(file: bad.path, line: 3, "is not valid UTF-8")) {
            try LookupAgent(table: bad, keyColumn: "k")
        }
        let csv = try directory.write("t.csv", "k\n1\n")
        #expect(throws: AgentLoadError(file: csv.path, "`sql_table: t` is only for SQLite tables (.sqlite, .sqlite3, .db), and this is read as CSV")) {
            try LookupAgent(table: csv, sqlTable: "t", keyColumn: "k")
        }
    }

    // MARK: SQLite

    static func makeCustomers(in directory: TemporaryDirectory, name: String = "customers.sqlite") throws -> URL {
        let url = directory.url.appendingPathComponent(name)
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE customers (
                    customer_id TEXT PRIMARY KEY, name TEXT NOT NULL, tier TEXT,
                    annual_revenue REAL, seats INTEGER, account_manager TEXT, avatar BLOB);
                INSERT INTO customers VALUES
                    ('cus_0001', 'Acme Analytics', 'enterprise', 184000.0, 250, 'dana.ruiz', x'00ff'),
                    ('cus_0003', 'Nordlicht Apotheke', 'pro', 4800.5, 3, NULL, NULL),
                    ('cus_0005', '', 'free', 0.0, 1, NULL, NULL);
                CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id TEXT, total REAL);
                INSERT INTO orders VALUES (7, 'cus_0001', 19.99), (8, NULL, 5.0), (9, 'cus_0003', 1.0);
                CREATE TABLE ratios (r REAL, label TEXT);
                INSERT INTO ratios VALUES (3.0, 'three'), (2.5, 'two and a half'), (3, 'duplicate of 3.0');
                """)
        }
        try queue.close()
        return url
    }

    @Test func sqliteTable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let url = try Self.makeCustomers(in: directory)
        let agent = try LookupAgent(table: url, sqlTable: "customers", keyColumn: "customer_id")
        #expect(agent.rowCount == 3)
        let row = try #require(object(try agent.call(inputs(("key", .string("cus_0001"))))))
        #expect(row.keys == ["customer_id", "name", "tier", "annual_revenue", "seats", "account_manager", "avatar"])
        #expect(row["annual_revenue"] == .double(184000))
        #expect(row["seats"] == .int(250))
        #expect(row["avatar"] == .string("AP8="))  // base64 of 00 ff
        let other = try #require(agent.row(forKey: "cus_0005"))
        #expect(other["name"] == .string(""))  // SQLite keeps '' apart from NULL
        #expect(agent.row(forKey: "cus_0003")?["account_manager"] == .null)
        #expect(try agent.call(inputs(("key", .string("cus_9999")))) == .emptyObject)
    }

    @Test func sqliteIntegerAndRealKeys() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let url = try Self.makeCustomers(in: directory, name: "shop.db")
        let orders = try LookupAgent(table: url, sqlTable: "orders", keyColumn: "order_id")
        #expect(object(try orders.call(inputs(("key", .int(7)))))?["total"] == .double(19.99))
        #expect(object(try orders.call(inputs(("key", .string("9")))))?["customer_id"] == .string("cus_0003"))
        let byCustomer = try LookupAgent(table: url, sqlTable: "orders", keyColumn: "customer_id")
        #expect(byCustomer.keylessRowCount == 1)
        #expect(byCustomer.warnings == ["\(url.path): 1 row ignored for an empty `customer_id`; the first at row 2"])
        let ratios = try LookupAgent(table: url, sqlTable: "ratios", keyColumn: "r")
        #expect(ratios.duplicateKeyCount == 1)
        #expect(object(try ratios.call(inputs(("key", .int(3)))))?["label"] == .string("three"))
        #expect(object(try ratios.call(inputs(("key", .double(2.5)))))?["label"] == .string("two and a half"))
    }

    @Test func sqliteErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let url = try Self.makeCustomers(in: directory)
        do {
            _ = try LookupAgent(table: url, sqlTable: "customer", keyColumn: "customer_id")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == """
                \(url.path): has no table or view named `customer`; it has: customers, orders, ratios
                help: did you mean `customers`?
                """)
        }
        #expect(throws: AgentLoadError(file: url.path, "holds several tables (customers, orders, ratios): set `sql_table` to the one to look up")) {
            try LookupAgent(table: url, keyColumn: "customer_id")
        }
        #expect(throws: AgentLoadError(
            file: url.path,
            "has no column `id` (the `key` setting); its columns are: `order_id`, `customer_id`, `total`"
        )) {
            try LookupAgent(table: url, sqlTable: "orders", keyColumn: "id")
        }
        let notADatabase = try directory.write("text.db", String(repeating: "not a database\n", count: 20))
        do {
            _ = try LookupAgent(table: notADatabase, sqlTable: "t", keyColumn: "k")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == notADatabase.path)
            #expect(error.message.contains("file is not a database"), "\(error)")
        }
    }

    @Test func sqliteSingleTableNeedsNoName() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let url = directory.url.appendingPathComponent("one.sqlite3")
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT, v INTEGER); INSERT INTO t VALUES ('a', 1);")
        }
        try queue.close()
        let agent = try LookupAgent(table: url, keyColumn: "k")
        #expect(agent.row(forKey: "a")?["v"] == .int(1))
    }

    @Test func sampleCampaignTable() throws {
        let agent = try LookupAgent(table: repositoryRoot.appendingPathComponent("samples/data/campaigns.csv"), keyColumn: "campaign_id")
        #expect(agent.row(forKey: "none")?["channel"] != nil)
        #expect(agent.row(forKey: "cmp_1012")?["campaign_name"] == .string("Holiday Gift Guide, VIP Edition"))
        #expect(agent.row(forKey: "cmp_1014")?["country"] == .null)
    }
}
