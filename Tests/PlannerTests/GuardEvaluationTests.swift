import Testing

@testable import Planner

@Suite("guard evaluation")
struct GuardEvaluationTests {
    static let type = PlanExpression.event(["type"])
    static func isType(_ name: String) -> PlanExpression { .binary(.equal, type, .literal(.string(name))) }
    static let known: Set<String> = ["review", "purchase"]

    @Test func comparisonsWithTheKnownTypeSettle() {
        #expect(GuardEvaluation.evaluate(Self.isType("review"), eventType: "review", knownTypes: Self.known) == .alwaysTrue)
        #expect(GuardEvaluation.evaluate(Self.isType("review"), eventType: "purchase", knownTypes: Self.known) == .alwaysFalse)
        #expect(GuardEvaluation.evaluate(Self.isType("review"), eventType: nil, knownTypes: Self.known) == .alwaysFalse)
        let notReview = PlanExpression.binary(.notEqual, .literal(.string("review")), Self.type)
        #expect(GuardEvaluation.evaluate(notReview, eventType: nil, knownTypes: Self.known) == .alwaysTrue)
    }

    @Test func membershipSettlesOverLiteralLists() {
        let list = PlanExpression.list([.literal(.string("review")), .literal(.string("purchase"))])
        let inList = PlanExpression.membership(negated: false, Self.type, list)
        #expect(GuardEvaluation.evaluate(inList, eventType: "purchase", knownTypes: Self.known) == .alwaysTrue)
        #expect(GuardEvaluation.evaluate(inList, eventType: nil, knownTypes: Self.known) == .alwaysFalse)
        let notInList = PlanExpression.membership(negated: true, Self.type, list)
        #expect(GuardEvaluation.evaluate(notInList, eventType: nil, knownTypes: Self.known) == .alwaysTrue)
    }

    @Test func unknownPartsStayAsResidualWithThreeValuedLogic() {
        let vip = PlanExpression.binary(.equal, .event(["tier"]), .literal(.string("vip")))
        let both = PlanExpression.binary(.and, Self.isType("purchase"), vip)
        #expect(GuardEvaluation.evaluate(both, eventType: "purchase", knownTypes: Self.known) == .residual(vip))
        #expect(GuardEvaluation.evaluate(both, eventType: "review", knownTypes: Self.known) == .alwaysFalse)
        let either = PlanExpression.binary(.or, Self.isType("purchase"), vip)
        #expect(GuardEvaluation.evaluate(either, eventType: "purchase", knownTypes: Self.known) == .alwaysTrue)
        #expect(GuardEvaluation.evaluate(either, eventType: "review", knownTypes: Self.known) == .residual(vip))
        #expect(GuardEvaluation.evaluate(.not(both), eventType: "purchase", knownTypes: Self.known) == .residual(.not(vip)))
    }

    @Test func comparedTypesAreCollectedFromEveryForm() {
        let guardExpression = PlanExpression.binary(
            .or, Self.isType("a"),
            .binary(
                .and, .binary(.notEqual, .literal(.string("b")), Self.type),
                .membership(negated: true, Self.type, .list([.literal(.string("c")), .literal(.string("d"))]))))
        #expect(GuardEvaluation.comparedTypes(in: guardExpression) == ["a", "b", "c", "d"])
    }
}
