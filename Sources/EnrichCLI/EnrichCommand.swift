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

            EXIT STATUS
              0  no problems (warnings allowed unless --strict)
              1  diagnostics with errors (or warnings under --strict)
              2  usage error, or a file could not be read
            """,
        version: version,
        subcommands: [LintCommand.self, ExplainCommand.self, CompileCommand.self, GraphCommand.self, RunCommand.self]
    )

    public init() {}
}
