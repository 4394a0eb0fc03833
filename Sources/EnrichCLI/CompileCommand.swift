import ArgumentParser
import Foundation
import Planner

/// `enrich compile FILE -o PLAN`: lints, optimises and writes a plan file.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a pipeline into an optimised, versioned plan file.",
        discussion: """
            Lints FILE first; if it has errors, prints them as `enrich lint` does and \
            writes nothing. Otherwise plans it: infers dependency edges, folds constants, \
            removes agents nobody observes, merges identical calls, drops redundant edges, \
            works out each agent's worst case, earliest and latest start and slack against \
            the deadline, assigns display stages, and pre-resolves the DAG for each event \
            type the guards distinguish. The plan is written to PLAN as JSON with sorted \
            keys: the same FILE always gives byte-identical plans. Plans record the source \
            path, its SHA-256 and this compiler's version, and hold `env.X` references by \
            name only, never their values.

            Warnings are printed to standard error and do not stop compilation.

            EXIT STATUS
              0  plan written
              1  FILE has errors (nothing written)
              2  usage error, FILE unreadable, or PLAN could not be written

            EXAMPLES
              enrich compile samples/martech.yaml -o martech.plan.json
              enrich compile samples/martech.yaml -o martech.plan.json --explain
              enrich compile pipeline.yaml -o - | jq '.plan.criticalPath'
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file to compile (`-` reads standard input).", valueName: "file"))
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the plan (`-` writes it to standard output).", valueName: "plan"))
    var output: String

    @Flag(help: "Print the stages, the critical path, each agent's timing and what every pass changed.")
    var explain = false

    func validate() throws {
        if output == "-", explain { throw ValidationError("--explain prints to standard output; write the plan to a file with -o PLAN") }
    }

    func run() throws {
        let plan = try PipelineCompilation.compile(path: file)
        let bytes = PlanFile.encode(plan)
        if output == "-" {
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw PipelineCompilation.fail("cannot write \(output): \(error.localizedDescription)")
            }
        }
        if explain { print(PlanExplanation.render(plan), terminator: "") }
    }
}
