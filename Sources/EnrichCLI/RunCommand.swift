import ArgumentParser
import EnrichRunDriver
import Foundation
import Planner

/// `enrich run FILE|PLAN`: enriches a stream of JSON Lines events.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Enrich a stream of JSON Lines events with a pipeline or a compiled plan.",
        discussion: """
            Reads one JSON object per line, runs the plan's agents for each event (each agent \
            starting as soon as its inputs are ready), and writes the event with its enriched \
            fields and an `_enrichment` object (status complete, partial or failed, and each \
            agent's outcome). Malformed lines and events that fail under `fallback: fail` go \
            to the dead-letter file with the reason: nothing is dropped silently.

            With a file as input and as output, progress is checkpointed in the state file \
            after every written batch: a run that is killed (even with SIGKILL) and started \
            again resumes after the last checkpoint, cutting the output back to it, so no \
            event is lost or written twice. SIGINT and SIGTERM finish the events in flight, \
            checkpoint them and stop. With standard output the delivery is at least once.

            Relative paths in the pipeline (tables, databases) resolve against the current \
            directory, or --base-dir.

            EXIT STATUS
              0    every line was processed (some may be in the dead-letter file)
              1    the pipeline has errors (printed as `enrich lint` prints them)
              2    usage error, unreadable or corrupt file, or an agent that cannot be set up
              130  stopped by SIGINT (in-flight events finished and checkpointed)
              143  stopped by SIGTERM (likewise)

            EXAMPLES
              enrich run samples/martech-local.yaml --input events.jsonl --output enriched.jsonl
              enrich compile pipeline.yaml -o pipeline.plan && enrich run pipeline.plan < events.jsonl
            """
    )

    @Argument(help: ArgumentHelp("A pipeline file or a plan written by `enrich compile`.", valueName: "file"))
    var pipeline: String

    @OptionGroup var options: RunOptions

    func run() async throws {
        let plan = try PipelineCompilation.planOrPipeline(path: pipeline)
        try await RunDriver.run(plan: plan, options: options)
    }
}
