import ArgumentParser
import Planner

/// `enrich graph FILE|PLAN`: draws a pipeline's plan as Graphviz DOT or Mermaid.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a pipeline's agent graph as Graphviz DOT or Mermaid.",
        discussion: """
            Takes a pipeline file, which is linted and compiled first, or a plan file \
            written by `enrich compile` (recognised by its JSON header). Each agent is \
            drawn with its kind and timeout; edges are dependencies after redundant ones \
            are dropped; agents of one stage share a row; the critical path is drawn in \
            red. The drawing goes to standard output.

            EXIT STATUS
              0  graph printed
              1  the pipeline file has errors
              2  usage error, or the file could not be read or is not a valid plan

            EXAMPLES
              enrich graph samples/martech.yaml | dot -Tsvg > martech.svg
              enrich graph martech.plan.json --format mermaid
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @Argument(help: ArgumentHelp("A pipeline file or a plan file (`-` reads standard input).", valueName: "file"))
    var file: String

    @Option(help: "Drawing language: dot (Graphviz) or mermaid.")
    var format: Format = .dot

    func run() throws {
        let plan = try PipelineCompilation.planOrPipeline(path: file)
        switch format {
        case .dot: print(PlanGraph.dot(plan), terminator: "")
        case .mermaid: print(PlanGraph.mermaid(plan), terminator: "")
        }
    }
}
