import Diagnostics
import Testing

@Suite("HumanRenderer")
struct HumanRendererTests {
    private let plain = HumanRenderer(decorator: PlainDecorator())

    /// An unknown-agent error on the `occurrence`-th appearance of `needle` in `file`.
    private func diagnostic(on needle: String, in file: SourceFile, occurrence: Int = 1) -> Diagnostic {
        Diagnostic(.unknownAgent, "unknown agent", at: SourceFixtures.range(of: needle, in: file, occurrence: occurrence))
    }

    @Test func singleLineRangeWithNotesHelpAndFixItRendersExactly() {
        let output = plain.render([SourceFixtures.unknownAgent()], sources: ["samples/bad.yaml": SourceFixtures.pipeline])
        #expect(output == """
            samples/bad.yaml:12:12: error[E021]: unknown agent `geocod`
               |
            12 |   country: geocod.country
               |            ^^^^^^
               = note: agents are declared under `agents:`
               = note: `geocode` is declared here
              --> samples/bad.yaml:3:3
               |
            3  |   geocode:
               |   -------
               = help: did you mean `geocode`?

            """)
    }

    @Test func fixItIsShownUnlessAHelpLineAlreadySpellsOutItsReplacement() {
        var diagnostic = SourceFixtures.unknownAgent()
        diagnostic.help = []
        let output = plain.render([diagnostic], sources: ["samples/bad.yaml": SourceFixtures.pipeline])
        #expect(output.contains("= help: use the declared agent: replace with `geocode`"))
    }

    @Test func headerIsFileLineColumnSeverityCodeAndMessage() {
        let file = SourceFile(path: "a.yaml", text: "outputs:\n  x: unused\n")
        let warning = Diagnostic(.unusedAgent, "agent `x` is never used", at: SourceFixtures.range(of: "x", in: file))
        let firstLine = plain.render([warning], sources: [:]).split(separator: "\n").first
        #expect(firstLine == "a.yaml:2:3: warning[W001]: agent `x` is never used")
    }

    @Test func columnsCountUnicodeScalarsAndCaretsAlignUnderAccentedText() {
        let file = SourceFile(path: "u.yaml", text: "city: \"Zürich\" + geocod\n")
        let output = plain.render([diagnostic(on: "geocod", in: file)], sources: ["u.yaml": file])
        #expect(output == """
            u.yaml:1:18: error[E021]: unknown agent
              |
            1 | city: "Zürich" + geocod
              |                  ^^^^^^

            """)
    }

    @Test func wideCharactersTakeTwoCellsBeforeAndUnderTheCarets() {
        let file = SourceFile(path: "w.yaml", text: "name: \"東京\" + 東京\n")
        let output = plain.render([diagnostic(on: "東京", in: file, occurrence: 2)], sources: ["w.yaml": file])
        #expect(output == """
            w.yaml:1:14: error[E021]: unknown agent
              |
            1 | name: "東京" + 東京
              |                ^^^^

            """)
    }

    @Test func tabsExpandToTheSameWidthInSourceAndCaretLines() {
        let file = SourceFile(path: "t.yaml", text: "\tcountry:\tgeocod.country\n")
        let range = SourceFixtures.range(of: "\tgeocod", in: file)
        let output = plain.render([Diagnostic(.tabIndentation, "tab", at: range)], sources: ["t.yaml": file])
        #expect(output == """
            t.yaml:1:10: error[E008]: tab
              |
            1 |     country:    geocod.country
              |             ^^^^^^^^^^

            """)
    }

    @Test func gutterWidthFitsThreeDigitLineNumbers() {
        let text = (1...120).map { "line\($0): value" }.joined(separator: "\n")
        let file = SourceFile(path: "long.yaml", text: text)
        let range = SourceFixtures.range(of: "line105:", in: file)
        let note = DiagnosticNote("first here", at: SourceFixtures.range(of: "line7:", in: file))
        let output = plain.render([Diagnostic(.duplicateKey, "duplicate key", at: range, notes: [note])], sources: ["long.yaml": file])
        #expect(output == """
            long.yaml:105:1: error[E006]: duplicate key
                |
            105 | line105: value
                | ^^^^^^^^
                = note: first here
               --> long.yaml:7:1
                |
            7   | line7: value
                | ------

            """)
    }

    @Test func multiLineRangeIsUnderlinedToTheEndOfItsFirstLine() {
        let file = SourceFile(path: "m.yaml", text: "key: [one,\n  two]\n")
        let range = file.range(from: 5, to: 16)
        let output = plain.render([Diagnostic(.yamlSyntax, "bad list", at: range)], sources: ["m.yaml": file])
        #expect(output.contains("1 | key: [one,\n  |      ^^^^^\n"))
        #expect(!output.contains("two"))
    }

    @Test func emptyRangeGetsOneCaret() {
        let file = SourceFile(path: "e.yaml", text: "agents:\n")
        let range = file.range(from: 7, to: 7)
        let output = plain.render([Diagnostic(.missingKey, "missing `outputs`", at: range)], sources: ["e.yaml": file])
        #expect(output.hasSuffix("1 | agents:\n  |        ^\n"))
    }

    @Test func missingSourceSkipsTheSnippetButKeepsNotesAndHelp() {
        var diagnostic = SourceFixtures.unknownAgent()
        diagnostic.fixIts = []
        let output = plain.render([diagnostic], sources: [:])
        #expect(output == """
            samples/bad.yaml:12:12: error[E021]: unknown agent `geocod`
              = note: agents are declared under `agents:`
              = note: `geocode` is declared here
             --> samples/bad.yaml:3:3
              = help: did you mean `geocode`?

            """)
    }

    @Test func fixItReplacementStaysOnOneLine() {
        let file = SourceFixtures.pipeline
        let range = SourceFixtures.range(of: "geocod.", in: file)
        let fixIt = FixIt("split it", replacing: range, with: "a\nb")
        let output = plain.render([Diagnostic(.unknownAgent, "x", at: range, fixIts: [fixIt])], sources: [:])
        #expect(output.hasSuffix("  = help: split it: replace with `a\\nb`\n"))
    }

    @Test func diagnosticsAreSeparatedByABlankLine() {
        let file = SourceFile(path: "two.yaml", text: "a: 1\nb: 2\n")
        let first = Diagnostic(.unknownKey, "unknown key `a`", at: SourceFixtures.range(of: "a", in: file))
        let second = Diagnostic(.unknownKey, "unknown key `b`", at: SourceFixtures.range(of: "b", in: file))
        let output = plain.render([first, second], sources: [:])
        #expect(output == "two.yaml:1:1: error[E010]: unknown key `a`\n\ntwo.yaml:2:1: error[E010]: unknown key `b`\n")
        #expect(plain.render([], sources: [:]) == "")
    }

    @Test func plainDecoratorEmitsNoEscapeSequences() {
        let output = plain.render([SourceFixtures.unknownAgent()], sources: ["samples/bad.yaml": SourceFixtures.pipeline])
        #expect(!output.contains("\u{1B}"))
        #expect(!HumanRenderer(useColor: false).render([SourceFixtures.unknownAgent()], sources: [:]).contains("\u{1B}"))
    }

    @Test func ansiDecoratorColoursSeverityGutterHighlightAndMessage() {
        let colored = HumanRenderer(decorator: ANSIDecorator())
        let output = colored.render([SourceFixtures.unknownAgent()], sources: ["samples/bad.yaml": SourceFixtures.pipeline])
        #expect(output.contains("\u{1B}[1;31merror[E021]\u{1B}[0m"))
        #expect(output.contains("\u{1B}[1munknown agent `geocod`\u{1B}[0m"))
        #expect(output.contains("\u{1B}[1;31m^^^^^^\u{1B}[0m"))
        #expect(output.contains("\u{1B}[34m-------\u{1B}[0m"))
        #expect(output.contains("\u{1B}[34m12 |\u{1B}[0m"))
        #expect(output.contains("\u{1B}[1;36mnote\u{1B}[0m"))
        #expect(output.contains("\u{1B}[1;36mhelp\u{1B}[0m"))
        #expect(HumanRenderer(useColor: true).render([SourceFixtures.unknownAgent()], sources: [:]).contains("\u{1B}["))
    }

    @Test func ansiOutputWithoutEscapesEqualsPlainOutput() {
        let sources = ["samples/bad.yaml": SourceFixtures.pipeline]
        let colored = HumanRenderer(decorator: ANSIDecorator()).render([SourceFixtures.unknownAgent()], sources: sources)
        #expect(Self.strippingEscapes(colored) == plain.render([SourceFixtures.unknownAgent()], sources: sources))
    }

    @Test func ansiDecoratorUsesYellowForWarningsAndLeavesEmptyTextAlone() {
        let decorator = ANSIDecorator()
        #expect(decorator.decorate("warning[W001]", as: .severityLabel(.warning)) == "\u{1B}[1;33mwarning[W001]\u{1B}[0m")
        #expect(decorator.decorate("", as: .message) == "")
    }

    @Test(arguments: [
        (["NO_COLOR": "1"], true, false),
        (["NO_COLOR": ""], true, false),
        (["NO_COLOR": "", "CLICOLOR_FORCE": "1"], false, false),
        (["CLICOLOR_FORCE": "1"], false, true),
        (["CLICOLOR_FORCE": "0"], false, false),
        (["CLICOLOR_FORCE": "0", "TERM": "xterm-256color"], true, true),
        (["TERM": "dumb"], true, false),
        (["TERM": "dumb", "CLICOLOR_FORCE": "yes"], true, true),
        (["TERM": "xterm-256color"], true, true),
        ([:], true, true),
        (["TERM": "xterm-256color"], false, false),
    ])
    func shouldUseColorFollowsNoColorThenClicolorForceThenTerminal(environment: [String: String], isTerminal: Bool, expected: Bool) {
        #expect(HumanRenderer.shouldUseColor(isTerminal: isTerminal, environment: environment) == expected)
    }

    @Test func summaryCountsWithCorrectPlurals() {
        #expect(HumanRenderer.summary(errorCount: 2, warningCount: 1, fileCount: 3) == "2 errors and 1 warning in 3 files")
        #expect(HumanRenderer.summary(errorCount: 1, warningCount: 0, fileCount: 1) == "1 error in 1 file")
        #expect(HumanRenderer.summary(errorCount: 0, warningCount: 2, fileCount: 1) == "2 warnings in 1 file")
        #expect(HumanRenderer.summary(errorCount: 0, warningCount: 0, fileCount: 3) == "no problems in 3 files")
        #expect(HumanRenderer.summary(errorCount: 0, warningCount: 0, fileCount: 1) == "no problems in 1 file")
    }

    /// `text` with ANSI SGR sequences removed.
    private static func strippingEscapes(_ text: String) -> String {
        var result = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if scalar == "m" { inEscape = false }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
