import Diagnostics
import Foundation
import PipelineChecks
import Testing

/// The examples `enrich explain` prints must be true: `wrong` reports its code, `fixed`
/// lints clean (no errors, no warnings).
@Suite("Explain examples")
struct ExplainExampleTests {
    static let lintableWrong = DiagnosticCode.allCases.filter { DiagnosticExplanation.catalog[$0]!.wrongIsLintable }

    static func explanation(_ code: DiagnosticCode) throws -> DiagnosticExplanation {
        try #require(DiagnosticExplanation.catalog[code])
    }

    @Test("every code has an explanation under its own code")
    func everyCodeHasAnExplanation() {
        for code in DiagnosticCode.allCases {
            #expect(DiagnosticExplanation.catalog[code]?.code == code)
        }
    }

    @Test("linting the wrong example reports its code, and only that code", arguments: lintableWrong)
    func wrongExampleReportsItsCode(code: DiagnosticCode) throws {
        let result = lint(try Self.explanation(code).wrong, path: "\(code.rawValue)-wrong.yaml")
        #expect(result.codes.contains(code), "linting `wrong` of \(code.rawValue) gave:\n\(result.rendered)")
        #expect(Set(result.codes) == [code], "`wrong` of \(code.rawValue) should show this problem alone:\n\(result.rendered)")
    }

    @Test("linting the fixed example reports no diagnostics at all", arguments: DiagnosticCode.allCases)
    func fixedExampleLintsClean(code: DiagnosticCode) throws {
        let result = lint(try Self.explanation(code).fixed, path: "\(code.rawValue)-fixed.yaml")
        #expect(result.diagnostics.isEmpty, "linting `fixed` of \(code.rawValue) gave:\n\(result.rendered)")
    }

    // The examples that cannot be linted as text are still true once their placeholder is
    // replaced by what it stands for.

    @Test("E002's wrong example with the real byte 0xE9 reports invalid UTF-8 at that byte")
    func invalidUTF8ExampleWithTheRealByte() throws {
        let text = try Self.explanation(.invalidUTF8).wrong
        let parts = text.components(separatedBy: "<0xE9>")
        try #require(parts.count == 2)
        let bytes = Array(parts[0].utf8) + [0xE9] + Array(parts[1].utf8)
        let result = Linter.lint(SourceFile(path: "E002-wrong.yaml", bytes: bytes))
        #expect(result.codes == [.invalidUTF8])
        #expect(result.diagnostics.first?.range.start.offset == parts[0].utf8.count)
    }

    @Test("E004's wrong example with 300 real levels of brackets reports the nesting")
    func nestingExampleWithRealBrackets() throws {
        let placeholder = "[[[[[[[[ ... 300 levels of brackets ... ]]]]]]]]"
        let text = try Self.explanation(.nestingTooDeep).wrong
        try #require(text.contains(placeholder))
        let nested = String(repeating: "[", count: 300) + "\"'vip'\"" + String(repeating: "]", count: 300)
        let result = lint(text.replacingOccurrences(of: placeholder, with: nested))
        #expect(result.codes == [.nestingTooDeep])
    }

    @Test("E005's billion-laughs example is stopped by the alias limits")
    func aliasBombExampleIsStopped() throws {
        let result = lint(try Self.explanation(.aliasLimit).wrong)
        #expect(result.codes == [.aliasLimit])
    }
}
