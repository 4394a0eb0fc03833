import Planner
import SwiftEmitter
import Testing

/// `--functions DIR`: Swift function declarations read as text and checked against the
/// pipeline's `function` agents.
@Suite("function agents' Swift signatures")
struct FunctionSignatureTests {
    static let ecommerce = EmitterFixtures.all.first { $0.name == "ecommerce-orders" }!

    @Test func scannerReadsNameParametersThrowsAndReturnWithTheLine() {
        let text = """
            import EventJSON

            /// Points per dollar.
            public func loyalty_points(amount_usd: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue {
                .null
            }
            func whole(_ inputs: JSONObject) -> JSONValue { .null }
            """
        let found = SwiftFunctionScanner.declarations(in: text, file: "functions/points.swift")
        #expect(found.map(\.name) == ["loyalty_points", "whole"])
        #expect(found[0].line == 4)
        #expect(found[0].location == "functions/points.swift:4")
        #expect(found[0].parameters == [.init(label: "amount_usd", type: "JSONValue"), .init(label: "customer_id", type: "JSONValue?")])
        #expect(found[0].throwsClause == "throws(AgentFailure)")
        #expect(found[0].returnType == "JSONValue")
        #expect(found[1].parameters == [.init(label: nil, type: "JSONObject")])
        #expect(found[1].throwsClause == nil)
    }

    func check(_ swift: String) throws -> Result<[FunctionSignatureCheck.Binding], FunctionSignatureCheck.MismatchList> {
        let plan = try EmitterFixtures.plan(Self.ecommerce)
        return FunctionSignatureCheck.check(plan, declarations: SwiftFunctionScanner.declarations(in: swift, file: "fn/points.swift"), directory: "fn")
    }

    func messages(_ swift: String) throws -> [String] {
        guard case .failure(let list) = try check(swift) else { return [] }
        return list.mismatches.map(\.message)
    }

    @Test func matchingLabelledParametersBind() throws {
        let result = try check("func loyalty_points(amount_usd: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue {}")
        let bindings = try result.get()
        #expect(bindings.count == 1)
        #expect(bindings[0].parameters?.map(\.label) == ["amount_usd", "customer_id"])
        #expect(bindings[0].parameters?.map(\.optional) == [false, true])
    }

    @Test func wholeInputsFormBinds() throws {
        let bindings = try check("func loyalty_points(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {}").get()
        #expect(bindings == [FunctionSignatureCheck.Binding(function: "loyalty_points", parameters: nil)])
    }

    @Test func mismatchesNameTheAgentTheInputAndTheSwiftLine() throws {
        #expect(try messages("func other() -> JSONValue {}") == ["agent `loyalty` calls Swift function `loyalty_points`, which no file in fn defines"])
        let wrongLabel = try messages("\n\nfunc loyalty_points(amount: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue {}")
        #expect(wrongLabel.contains("`loyalty_points` (fn/points.swift:3) takes `amount:`, which agent `loyalty` does not declare as an input"))
        #expect(wrongLabel.contains("agent `loyalty` passes input `amount_usd`, but `loyalty_points` (fn/points.swift:3) has no parameter labelled `amount_usd`"))
        let wrongTypes = try messages("func loyalty_points(amount_usd: Double, customer_id: JSONValue?) throws -> Int {}")
        #expect(wrongTypes.count == 3, "\(wrongTypes)")
        #expect(wrongTypes.contains { $0.contains("returns `Int`") })
        #expect(wrongTypes.contains { $0.contains("`throws`") })
        #expect(wrongTypes.contains { $0.contains("takes `amount_usd: Double`") })
        #expect(try messages("func loyalty_points(_ inputs: JSONObject) async throws(AgentFailure) -> JSONValue {}").contains { $0.contains("is `async`") })
    }

    @Test func registrationCallsEachFunctionWithItsInputs() throws {
        let plan = try EmitterFixtures.plan(Self.ecommerce)
        let source = "func loyalty_points(amount_usd: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue { .null }\n"
        let bindings = try check(source).get()
        let files = SwiftPackageEmitter.emit(
            plan, runtime: .path("/path/to/enrich"), functions: [.init(fileName: "points.swift", contents: source)], bindings: bindings)
        let functionFile = try #require(files.first { $0.path.hasSuffix("Functions/points.swift") })
        #expect(functionFile.contents == source)
        let registration = try #require(files.first { $0.path.hasSuffix("+Functions.swift") })
        #expect(registration.contents.contains(#"("loyalty_points", { inputs throws(AgentFailure) in try loyalty_points(amount_usd: inputs["amount_usd"] ?? .null, customer_id: inputs["customer_id"]) }),"#))
    }
}
