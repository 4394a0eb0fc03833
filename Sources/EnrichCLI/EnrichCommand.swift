import ArgumentParser

/// The `enrich` command: lint, explain, compile and graph (and, as the compiler grows, run).
public struct EnrichCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "enrich",
        abstract: "A declarative pipeline compiler for real-time event enrichment.",
        discussion: """
            Pipelines are YAML files declaring which enrichment agents each event passes \
            through (CRM lookups, geocoding, sentiment, ad attribution...), with timeouts, \
            retries, fallbacks and caches. The language is described in grammar/README.md.

            Start with `enrich lint`, read any code with `enrich explain CODE`, then \
            `enrich compile` a plan (or `enrich graph` it) and `enrich run` it over events. \
            `enrich help <subcommand>` explains each in full.

            EXIT STATUS
              0    success
              1    the pipeline has errors (or warnings, under lint --strict)
              2    usage error, unreadable or corrupt file, agent set-up failed
              130  run stopped by SIGINT, in-flight events checkpointed
              143  run stopped by SIGTERM, likewise
            """,
        version: version,
        subcommands: [LintCommand.self, ExplainCommand.self, CompileCommand.self, GraphCommand.self, RunCommand.self]
    )

    public init() {}
}
