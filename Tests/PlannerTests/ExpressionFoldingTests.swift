import Testing

@testable import Planner

@Suite("expression folding")
struct ExpressionFoldingTests {
    private func fold(_ expression: PlanExpression) -> PlanExpression { ExpressionFolding.fold(expression) }

    @Test func pureFunctionsOnLiteralsFold() {
        #expect(fold(.call("lower", [.literal(.string("VIP"))])) == .literal(.string("vip")))
        #expect(fold(.call("upper", [.literal(.string("de"))])) == .literal(.string("DE")))
        #expect(fold(.call("trim", [.literal(.string("  x \n"))])) == .literal(.string("x")))
        #expect(fold(.call("concat", [.literal(.string("a")), .literal(.string("b"))])) == .literal(.string("ab")))
        #expect(fold(.call("len", [.literal(.string("héllo"))])) == .literal(.int(5)))
        #expect(fold(.call("len", [.list([.literal(.int(1)), .literal(.int(2))])])) == .literal(.int(2)))
    }

    @Test func nestedLiteralSubexpressionsFoldInsideLiveOnes() {
        let expression = PlanExpression.binary(.equal, .event(["tier"]), .call("lower", [.call("trim", [.literal(.string(" GOLD "))])]))
        #expect(fold(expression) == .binary(.equal, .event(["tier"]), .literal(.string("gold"))))
    }

    @Test func functionsOnNonLiteralsAndImpureFunctionsStay() {
        let live = PlanExpression.call("lower", [.event(["name"])])
        #expect(fold(live) == live)
        let clock = PlanExpression.call("now", [])
        #expect(fold(clock) == clock)
        let hash = PlanExpression.call("hash", [.literal(.string("x"))])
        #expect(fold(hash) == hash)
    }

    @Test func booleanShortCircuitsWithLiterals() {
        let flag = PlanExpression.event(["flag"])
        #expect(fold(.binary(.and, .literal(.bool(false)), flag)) == .literal(.bool(false)))
        #expect(fold(.binary(.and, .literal(.bool(true)), flag)) == flag)
        #expect(fold(.binary(.or, .literal(.bool(true)), flag)) == .literal(.bool(true)))
        #expect(fold(.binary(.or, flag, .literal(.bool(false)))) == flag)
        #expect(fold(.not(.literal(.bool(true)))) == .literal(.bool(false)))
    }

    @Test func coalesceWithLiteralLeftSide() {
        let fallback = PlanExpression.event(["country"])
        #expect(fold(.binary(.coalesce, .literal(.null), fallback)) == fallback)
        #expect(fold(.binary(.coalesce, .literal(.string("DE")), fallback)) == .literal(.string("DE")))
        let live = PlanExpression.binary(.coalesce, fallback, .literal(.string("x")))
        #expect(fold(live) == live)
    }

    @Test func comparisonsArithmeticAndMembership() {
        #expect(fold(.binary(.equal, .literal(.int(2)), .literal(.float(2)))) == .literal(.bool(true)))
        #expect(fold(.binary(.less, .literal(.durationMicroseconds(1)), .literal(.durationMicroseconds(2)))) == .literal(.bool(true)))
        #expect(fold(.binary(.add, .literal(.int(2)), .literal(.int(3)))) == .literal(.int(5)))
        #expect(fold(.negate(.literal(.int(4)))) == .literal(.int(-4)))
        #expect(fold(.binary(.add, .literal(.string("a")), .literal(.string("b")))) == .literal(.string("ab")))
        let members = PlanExpression.list([.literal(.string("a")), .literal(.string("b"))])
        #expect(fold(.membership(negated: false, .literal(.string("b")), members)) == .literal(.bool(true)))
        #expect(fold(.membership(negated: true, .literal(.string("b")), members)) == .literal(.bool(false)))
    }

    @Test func uncertainArithmeticIsLeftToTheRuntime() {
        let overflow = PlanExpression.binary(.add, .literal(.int(.max)), .literal(.int(1)))
        #expect(fold(overflow) == overflow)
        let division = PlanExpression.binary(.divide, .literal(.int(7)), .literal(.int(2)))
        #expect(fold(division) == division)
        let mixed = PlanExpression.binary(.equal, .literal(.string("1")), .literal(.int(1)))
        #expect(fold(mixed) == mixed)
    }

    @Test func literalTemplatePiecesJoinTheText() {
        let template = PlanExpression.interpolation([
            .text("https://x/"), .expression(.call("lower", [.literal(.string("EU"))])), .text("/"), .expression(.event(["id"])),
        ])
        #expect(fold(template) == .interpolation([.text("https://x/eu/"), .expression(.event(["id"]))]))
        #expect(fold(.interpolation([.text("plain")])) == .literal(.string("plain")))
    }
}
