import ArgumentParser
import Diagnostics
import Foundation

/// `enrich explain CODE`: the long explanation of a diagnostic, with examples.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code, with a wrong and a fixed example.",
        discussion: """
            CODE is a code such as E021 (any case) or its name such as unknown-agent. \
            With --list, prints every code with its title.
            """
    )

    @Argument(help: "The code to explain, e.g. E021 or unknown-agent.")
    var code: String?

    @Flag(help: "List every code with its one-line title.")
    var list = false

    func validate() throws {
        if code == nil, !list { throw ValidationError("name a code to explain (e.g. `enrich explain E021`), or use --list") }
    }

    func run() throws {
        if list {
            let lines = DiagnosticCode.allCases.map { code in
                let title = DiagnosticExplanation.catalog[code]?.title ?? ""
                return "\(code.rawValue)  \(code.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(title)"
            }
            print(lines.joined(separator: "\n"))
            return
        }
        guard let code, let explanation = DiagnosticExplanation.lookup(code) else {
            FileHandle.standardError.write(Data("enrich: error: unknown diagnostic code `\(code ?? "")`; `enrich explain --list` shows them all\n".utf8))
            throw ExitCode(2)
        }
        print(explanation.rendered(), terminator: "")
    }
}
