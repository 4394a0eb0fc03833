import Testing

@testable import Planner

@Suite("merging identical invocations")
struct InvocationMergingTests {
    static let twoGeocodes = """
        agents:
        - name: geocode
          type: geoip
          database: samples/data/geoip.csv
          timeout: 20ms
          input:
            ip: event.ip
          output:
            country: country
        - name: geo_city
          type: geoip
          database: samples/data/geoip.csv
          timeout: 20ms
          input:
            ip: event.ip
          output:
            city: city
        - name: label
          type: expr
          output:
            place: concat(geo_city.city ?? "?", ", ", geocode.country ?? "?")
        """

    @Test func identicalCallsMergeWithUnionOfOutputs() throws {
        let plan = try PlannerFixture.plan(Self.twoGeocodes, passes: [EdgeInference(), InvocationMerging()])
        #expect(PlannerFixture.names(plan) == ["geocode", "label"])
        let survivor = plan.agents[0]
        #expect(survivor.mergedFrom == ["geo_city"])
        #expect(survivor.outputs.map(\.name) == ["country", "city"])
        #expect(survivor.outputs.map(\.path) == [["country"], ["city"]])
        #expect(PlannerFixture.edges(plan)["label"] == ["geocode"])
        #expect(plan.agents[1].agentReferences == ["geocode"])
        #expect(
            plan.passes[1].changes == ["merged `geo_city` into `geocode`: the same `geoip` call; `label` now reads `geocode`"])
    }

    @Test func differentSettingsDoNotMerge() throws {
        let yaml = Self.twoGeocodes.replacingOccurrences(of: "timeout: 20ms\n  input:\n    ip: event.ip\n  output:\n    city", with: "timeout: 30ms\n  input:\n    ip: event.ip\n  output:\n    city")
        let plan = try PlannerFixture.plan(yaml, passes: [EdgeInference(), InvocationMerging()])
        #expect(plan.agents.count == 3)
        #expect(plan.passes[1].changes.isEmpty)
    }

    @Test func clashingInternalOutputIsRenamedAndReadersFollow() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: a
              type: lookup
              table: samples/data/campaigns.csv
              key: campaign_id
              emit: false
              input:
                key: event.campaign
              output:
                v: channel
            - name: b
              type: lookup
              table: samples/data/campaigns.csv
              key: campaign_id
              emit: false
              input:
                key: event.campaign
              output:
                v: campaign_name
            - name: reader
              type: expr
              output:
                both: concat(a.v ?? "", b.v ?? "")
            """, passes: [EdgeInference(), InvocationMerging()])
        #expect(PlannerFixture.names(plan) == ["a", "reader"])
        #expect(plan.agents[0].outputs.map(\.name) == ["v", "b_v"])
        let expected = PlanExpression.call("concat", [
            .binary(.coalesce, .agent("a", ["v"]), .literal(.string(""))),
            .binary(.coalesce, .agent("a", ["b_v"]), .literal(.string(""))),
        ])
        #expect(plan.agents[1].outputs[0].expression == expected)
        #expect(plan.passes[1].changes.contains("`b.v` is now `a.b_v`"))
    }

    @Test func mergingCascadesWhenReadersBecomeIdentical() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: geo_a
              type: geoip
              database: samples/data/geoip.csv
              emit: false
              input:
                ip: event.ip
              output:
                country: country
            - name: geo_b
              type: geoip
              database: samples/data/geoip.csv
              emit: false
              input:
                ip: event.ip
              output:
                country: country
            - name: shout_a
              type: http
              url: "http://127.0.0.1:9/x"
              input:
                c: geo_a.country ?? "?"
              output:
                r1: r
            - name: shout_b
              type: http
              url: "http://127.0.0.1:9/x"
              input:
                c: geo_b.country ?? "?"
              output:
                r2: r
            """, passes: [EdgeInference(), InvocationMerging()])
        #expect(PlannerFixture.names(plan) == ["geo_a", "shout_a"])
        #expect(plan.agents[0].mergedFrom == ["geo_b"])
        #expect(plan.agents[0].outputs.map(\.name) == ["country"])
        #expect(plan.agents[1].mergedFrom == ["shout_b"])
        #expect(plan.agents[1].outputs.map(\.name) == ["r1", "r2"])
    }

    @Test func sideEffectingCallsAreNeverMerged() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: notify_sales
              type: http
              method: POST
              url: "http://127.0.0.1:9/hook"
              input:
                user: event.user
            - name: notify_again
              type: http
              method: POST
              url: "http://127.0.0.1:9/hook"
              input:
                user: event.user
            """, passes: [EdgeInference(), InvocationMerging()])
        #expect(PlannerFixture.names(plan) == ["notify_sales", "notify_again"])
    }

    @Test func agentsWaitingForEachOtherNeverMerge() throws {
        let plan = try PlannerFixture.plan(
            """
            agents:
            - name: first
              type: http
              url: "http://127.0.0.1:9/x"
              output:
                r1: r
            - name: second
              type: http
              url: "http://127.0.0.1:9/x"
              after: [first]
              output:
                r2: r
            """, passes: [EdgeInference(), InvocationMerging()])
        #expect(plan.agents.count == 2)
    }
}
