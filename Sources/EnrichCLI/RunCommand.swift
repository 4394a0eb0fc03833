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
            directory, or --base-dir; `process` and `local_llm` agents run there as child \
            processes speaking JSON lines, each started (and ready) before the first event \
            and stopped at the end. A `local_llm` agent without `command:` runs the bundled \
            model server `python3 DIR/hf_sentiment.py --model MODEL` (DIR: --sidecar-dir, \
            else $ENRICH_SIDECARS, else samples/sidecars under the base directory).

            HTTP INGEST (--serve HOST:PORT, or the pipeline's `source: {type: http, listen: ...}`)
              POST /v1/events takes one JSON object, a JSON array of objects, or NDJSON. \
            202 {"accepted": n, "first_id": id} means every event of the request is in the \
            state file's queue (it survives a kill). 400 {"error", "line", "column"} names the \
            first bad event and queues none of the request (all or nothing). 413 over \
            --max-body-bytes (the body is not read past it). 429 while --max-queued events wait \
            unprocessed; 503 (Retry-After) while --max-concurrent-requests requests are being \
            read, and once shutting down. GET /healthz: 200 with the queue depth (503 while \
            draining). GET /metrics: Prometheus text (events in and out, statuses, latency \
            summaries per agent, agent outcomes, queue depth, webhook counters). Queued events \
            leave the queue once their output is committed: at least once across restarts. \
            Port 0 picks a free port; the bound address is printed on standard error.

            WEBHOOK SINK (--webhook URL, or the pipeline's `sink: {type: webhook, url: ...}`)
              Enriched events go into the state file's outbox in the same transaction as their \
            batch's checkpoint, then are POSTed as a JSON array of at most --sink-batch-size \
            events (a partial batch waits up to --sink-linger). Each event carries a stable \
            `_idempotency_key` (STATE-INSTANCE-INPUT-LINE), and the `Idempotency-Key` header \
            lists the batch's keys, comma-separated: receivers dedupe by them. An event leaves \
            the outbox only after a 2xx. 5xx, 408, 429, timeouts and connection errors are \
            retried with exponential backoff and jitter; a batch still failing after \
            --sink-max-attempts, or answered with another 4xx, goes to the webhook dead-letter \
            file with the reason. A restart (even after SIGKILL) re-sends what was not \
            acknowledged: delivery is at least once. The run waits while --max-undelivered \
            events are in the outbox.

            EXIT STATUS
              0    every line was processed (some may be in the dead-letter file)
              1    the pipeline has errors (printed as `enrich lint` prints them)
              2    usage error, unreadable or corrupt file, an agent that cannot be set up,
                   or an address that cannot be served
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
