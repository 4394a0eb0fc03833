import Diagnostics
import Testing

@Suite("GitHubRenderer")
struct GitHubRendererTests {
    @Test func errorBecomesOneWorkflowCommandWithPositionAndTitle() {
        var diagnostic = SourceFixtures.unknownAgent()
        diagnostic.notes = []
        diagnostic.help = []
        #expect(GitHubRenderer().render([diagnostic]) == """
            ::error file=samples/bad.yaml,line=12,col=12,endLine=12,endColumn=18,title=E021 unknown-agent::unknown agent `geocod`

            """)
    }

    @Test func warningsAndNotesUseTheirOwnCommands() {
        let range = SourceRange.startOf(file: "a.yaml")
        let warning = Diagnostic(.unusedAgent, "unused", at: range)
        let note = Diagnostic(.unusedAgent, "fyi", at: range, severity: .note)
        let lines = GitHubRenderer().render([warning, note]).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("::warning file=a.yaml,"))
        #expect(lines[1].hasPrefix("::notice file=a.yaml,"))
    }

    @Test func notesAndHelpFollowTheMessageOnEscapedNewLines() {
        let command = GitHubRenderer().command(for: SourceFixtures.unknownAgent())
        #expect(command.hasSuffix(
            "::unknown agent `geocod`%0Anote: agents are declared under `agents:`"
                + "%0Anote: `geocode` is declared here (samples/bad.yaml:3:3)%0Adid you mean `geocode`?"
        ))
        #expect(!command.contains("\n"))
    }

    @Test func messageEscapesPercentCarriageReturnAndNewline() {
        #expect(GitHubRenderer.escapeData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b")
    }

    @Test func propertyEscapesCommaAndColonToo() {
        #expect(GitHubRenderer.escapeProperty("dir:1/a,b%.yaml\n") == "dir%3A1/a%2Cb%25.yaml%0A")
    }

    @Test func fileNamesWithCommaColonAndPercentAreEscapedInTheCommand() {
        let diagnostic = Diagnostic(.emptyFile, "50% empty", at: .startOf(file: "C:/x,y%.yaml"))
        #expect(GitHubRenderer().command(for: diagnostic)
            == "::error file=C%3A/x%2Cy%25.yaml,line=1,col=1,endLine=1,endColumn=1,title=E007 empty-file::50%25 empty")
    }

    @Test func multiLineRangeGivesLinesWithoutColumns() {
        let file = SourceFile(path: "m.yaml", text: "key: [one,\n  two]\n")
        let diagnostic = Diagnostic(.yamlSyntax, "bad list", at: file.range(from: 5, to: 16))
        #expect(GitHubRenderer().command(for: diagnostic)
            == "::error file=m.yaml,line=1,endLine=2,title=E001 yaml-syntax::bad list")
    }

    @Test func noDiagnosticsRenderNothing() {
        #expect(GitHubRenderer().render([]) == "")
    }
}
