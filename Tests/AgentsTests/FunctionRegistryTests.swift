import EventJSON
import Testing

@testable import Agents

@Suite("function registry")
struct FunctionRegistryTests {
    @Test func registersAndResolves() throws {
        var registry = FunctionRegistry()
        try registry.register("double_it") { (inputs: JSONObject) throws(AgentFailure) -> JSONValue in
            guard case .int(let value)? = inputs["n"] else { throw .invalidInput("needs n") }
            return .object(JSONObject([("value", .int(value * 2))]))
        }
        #expect(registry.names == ["double_it"])
        let function = try registry.resolve("double_it")
        #expect(try function(inputs(("n", .int(21)))) == .object(JSONObject([("value", .int(42))])))
        #expect(throws: AgentFailure.invalidInput("needs n")) { try function(JSONObject()) }
    }

    @Test func rejectsDuplicatesAndBadNames() throws {
        var registry = FunctionRegistry.builtIn
        #expect(throws: AgentLoadError("function `loyalty_points` is already registered")) {
            try registry.register("loyalty_points") { _ in .null }
        }
        #expect(throws: AgentLoadError("cannot register function `Bad-Name`: names are identifiers ([a-z_][a-z0-9_]*)")) {
            try registry.register("Bad-Name") { _ in .null }
        }
    }

    @Test func missingFunctionListsNamesWithDidYouMean() throws {
        let registry = FunctionRegistry.builtIn
        #expect(throws: AgentLoadError("""
            no function named `loyalty_point` is registered; registered: `crm_lookup`, `crm_segment_from_id`, `loyalty_points`
            help: did you mean `loyalty_points`?
            """)) {
            try registry.resolve("loyalty_point")
        }
        #expect(throws: AgentLoadError("no function named `x` is registered (none are)")) {
            try FunctionRegistry().resolve("x")
        }
    }

    @Test func registryIsAValue() throws {
        let shared = FunctionRegistry.builtIn
        var extended = shared
        try extended.register("extra") { _ in .null }
        #expect(shared.function(named: "extra") == nil)
        #expect(extended.function(named: "extra") != nil)
    }

    @Test func crmSegmentIsDeterministic() throws {
        let function = try FunctionRegistry.builtIn.resolve("crm_segment_from_id")
        let first = try #require(object(try function(inputs(("user_id", .string("u_1001"))))))
        #expect(try function(inputs(("user_id", .string("u_1001")))) == .object(first))
        let bucket = BuiltInFunctions.fnv1a64("u_1001") % 100
        #expect(first["bucket"] == .int(Int64(bucket)))
        // FNV-1a of "" is the offset basis: 0xcbf29ce484222325 % 100 = 25 → regular.
        #expect(BuiltInFunctions.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(object(try function(inputs(("user_id", .string("")))))?["segment"] == .string("regular"))
        // Integer ids hash as their decimal text.
        #expect(try function(inputs(("user_id", .int(42)))) == (try function(inputs(("user_id", .string("42"))))))
        // Every segment occurs over enough ids, roughly in proportion.
        var counts: [String: Int] = [:]
        for id in 0..<10_000 {
            if case .string(let segment)? = object(try function(inputs(("user_id", .string("user-\(id)")))))?["segment"] {
                counts[segment, default: 0] += 1
            }
        }
        #expect(Set(counts.keys) == ["vip", "loyal", "regular", "new", "dormant"])
        #expect((300...700).contains(counts["vip"] ?? 0))
        #expect(throws: AgentFailure.invalidInput("crm_segment_from_id needs input `user_id`")) { try function(JSONObject()) }
        #expect(throws: AgentFailure.invalidInput("crm_segment_from_id input `user_id` must be a string or an integer, got float")) {
            try function(inputs(("user_id", .double(1.5))))
        }
        // The seed file's `crm_lookup` function agent resolves to the same function.
        #expect(try FunctionRegistry.builtIn.resolve("crm_lookup")(inputs(("user_id", .string("u_1001")))) == .object(first))
    }

    @Test func loyaltyPoints() throws {
        let function = try FunctionRegistry.builtIn.resolve("loyalty_points")
        #expect(try function(inputs(("customer_id", .string("c1")), ("amount_usd", .double(99.99)))) == .object(JSONObject([("points", .int(99))])))
        #expect(try function(inputs(("amount_usd", .int(5)))) == .object(JSONObject([("points", .int(5))])))
        #expect(throws: AgentFailure.invalidInput("loyalty_points input `amount_usd` must be a number ≥ 0, got -1.0")) {
            try function(inputs(("amount_usd", .double(-1))))
        }
        #expect(throws: AgentFailure.invalidInput("loyalty_points input `amount_usd` must be a number, got string")) {
            try function(inputs(("amount_usd", .string("12"))))
        }
    }
}
