import EventJSON
import Foundation
import Testing

@testable import Agents

@Suite("geoip agent")
struct GeoIPAgentTests {
    static let database = """
        start_ip,end_ip,country,region,city,latitude,longitude
        10.0.1.0,10.0.1.255,FR,Île-de-France,Paris,48.8566,2.3522
        10.0.0.0,10.0.0.255,US,"District of Columbia","Washington, D.C.",38.9072,-77.0369
        10.0.2.7,10.0.2.7,ZZ,,,,
        2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,JP,Tokyo,Tokyo,35.6762,139.6503
        ::ffff:0:0,::ffff:0:ff,XX,Mapped,Written as IPv6,0,0

        """

    @Test func findsIPv4AndIPv6Ranges() throws {
        let agent = try GeoIPAgent(csvText: Self.database)
        #expect(agent.rangeCount == 5)
        let paris = try #require(object(try agent.call(inputs(("ip", .string("10.0.1.77"))))))
        #expect(paris.keys == ["country", "region", "city", "latitude", "longitude"])
        #expect(paris["city"] == .string("Paris"))
        #expect(paris["latitude"] == .double(48.8566))
        let washington = try #require(object(try agent.call(inputs(("ip", .string("10.0.0.0"))))))
        #expect(washington["city"] == .string("Washington, D.C."))
        #expect(washington["longitude"] == .double(-77.0369))
        #expect(object(try agent.call(inputs(("ip", .string("10.0.0.255")))))?["country"] == .string("US"))
        #expect(object(try agent.call(inputs(("ip", .string("2001:db8:1:abcd::42")))))?["city"] == .string("Tokyo"))
        #expect(object(try agent.call(inputs(("ip", .string("2001:DB8:1:FFFF:FFFF:FFFF:FFFF:FFFF")))))?["country"] == .string("JP"))
        // One-address range; empty cells are null.
        let single = try #require(object(try agent.call(inputs(("ip", .string("10.0.2.7"))))))
        #expect(single["country"] == .string("ZZ"))
        #expect(single["city"] == .null)
        #expect(single["latitude"] == .null)
    }

    @Test func ipv4MappedIPv6MatchesIPv4Ranges() throws {
        let agent = try GeoIPAgent(csvText: Self.database)
        #expect(object(try agent.call(inputs(("ip", .string("::ffff:10.0.1.1")))))?["city"] == .string("Paris"))
        #expect(object(try agent.call(inputs(("ip", .string("::ffff:a00:101")))))?["city"] == .string("Paris"))
        #expect(object(try agent.call(inputs(("ip", .string("0.0.0.9")))))?["region"] == .string("Mapped"))
        // IPv4-compatible (::a.b.c.d, deprecated) is a different address.
        #expect(try agent.call(inputs(("ip", .string("::10.0.1.1")))) == .emptyObject)
    }

    @Test func addressesInNoRangeAreNotFound() throws {
        let agent = try GeoIPAgent(csvText: Self.database)
        for ip in ["10.0.2.6", "10.0.2.8", "9.255.255.255", "255.255.255.255", "::", "2001:db8:2::", "ffff::"] {
            #expect(try agent.call(inputs(("ip", .string(ip)))) == .emptyObject, "\(ip)")
        }
        #expect(try agent.call(inputs(("ip", .null))) == .emptyObject)
        #expect(try agent.call(JSONObject()) == .emptyObject)
    }

    @Test func invalidAddressesFailWithoutRetry() throws {
        let agent = try GeoIPAgent(csvText: Self.database)
        #expect(throws: AgentFailure.invalidInput("`abc` is not an IPv4 or IPv6 address")) {
            try agent.call(inputs(("ip", .string("abc"))))
        }
        #expect(throws: AgentFailure.invalidInput("`10.0.1.1 ` is not an IPv4 or IPv6 address")) {
            try agent.call(inputs(("ip", .string("10.0.1.1 "))))
        }
        #expect(throws: AgentFailure.invalidInput("geoip input `ip` must be a string, got int")) {
            try agent.call(inputs(("ip", .int(167_772_417))))
        }
        do {
            _ = try agent.call(inputs(("ip", .string(String(repeating: "x", count: 100)))))
            Issue.record("expected a failure")
        } catch {
            #expect(!error.isRetryable)
            #expect(error.reason == "`\(String(repeating: "x", count: 61))...` is not an IPv4 or IPv6 address")
        }
    }

    @Test func loadErrors() {
        let header = "start_ip,end_ip,country,region,city,latitude,longitude\n"
        let cases: [(String, AgentLoadError)] = [
            ("start_ip,end_ip,country,city\n", AgentLoadError(
                file: "g.csv", line: 1,
                "is not a geoip range database: missing columns `region`, `latitude`, `longitude`; expected the header `start_ip,end_ip,country,region,city,latitude,longitude`, found `start_ip,end_ip,country,city`"
            )),
            (header + "10.0.0.0,10.0.0.300,US,,,,\n", AgentLoadError(file: "g.csv", line: 2, "end_ip `10.0.0.300` is not an IPv4 or IPv6 address")),
            (header + "10.0.0.9,10.0.0.1,US,,,,\n", AgentLoadError(file: "g.csv", line: 2, "range 10.0.0.9-10.0.0.1 ends before it starts")),
            (header + "10.0.0.0,::ffff:10.0.0.9,US,,,,\n", AgentLoadError(file: "g.csv", line: 2, "range 10.0.0.0-::ffff:10.0.0.9 mixes an IPv4 and an IPv6 address")),
            (header + "10.0.0.0,10.0.0.9,US,,,91,0\n", AgentLoadError(file: "g.csv", line: 2, "latitude `91` is not a number between -90 and 90")),
            (header + "10.0.0.0,10.0.0.9,US,,,0,east\n", AgentLoadError(file: "g.csv", line: 2, "longitude `east` is not a number between -180 and 180")),
            (
                header + "10.0.0.0,10.0.0.255,US,,,,\n10.0.1.0,10.0.1.255,US,,,,\n10.0.0.128,10.0.0.128,FR,,,,\n",
                AgentLoadError(file: "g.csv", line: 4, "range 10.0.0.128-10.0.0.128 overlaps range 10.0.0.0-10.0.0.255 on line 2")
            ),
            (
                header + "2001:db8::,2001:db8::ffff,US,,,,\n::ffff:0:0,::ffff:ffff:ffff,US,,,,\n0.0.0.5,0.0.0.5,FR,,,,\n",
                AgentLoadError(file: "g.csv", line: 4, "range 0.0.0.5-0.0.0.5 overlaps range ::ffff:0.0.0.0-::ffff:255.255.255.255 on line 3")
            ),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { try GeoIPAgent(csvText: text, source: "g.csv") }
        }
    }

    @Test func sampleDatabase() throws {
        let url = repositoryRoot.appendingPathComponent("samples/data/geoip.csv")
        let agent = try GeoIPAgent(database: url)
        #expect(agent.rangeCount > 1_900 && agent.rangeCount < 2_100)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(size < 200_000)
        // The hand-written rows the samples have always used behave as before.
        let expected: [(String, String, String)] = [
            ("192.0.2.1", "US", "San Francisco"), ("192.0.2.200", "MX", "Mexico City"),
            ("198.51.100.100", "FR", "Paris"), ("203.0.113.250", "NZ", "Auckland"),
            ("2001:db8::1", "US", "Los Angeles"), ("2001:db8:f:1::", "AR", "Buenos Aires"),
            ("::ffff:198.51.100.130", "DE", "Berlin"),
        ]
        for (ip, country, city) in expected {
            let row = try #require(object(try agent.call(inputs(("ip", .string(ip))))), "\(ip)")
            #expect(row["country"] == .string(country), "\(ip)")
            #expect(row["city"] == .string(city), "\(ip)")
        }
        // Private and invented ranges are covered too (some of them).
        var found = 0
        for third in 0..<256 where try agent.call(inputs(("ip", .string("10.\(third).0.1")))) != .emptyObject { found += 1 }
        #expect(found > 10)
    }
}
