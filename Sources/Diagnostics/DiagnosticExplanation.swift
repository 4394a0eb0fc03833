/// The long form of a diagnostic code, as `enrich explain CODE` prints it.
///
/// Each explanation is written to a person: what the problem is, the likely fix first,
/// then why Enrich reports it. It comes with two complete, minimal pipeline files:
/// ``wrong`` triggers exactly this code, ``fixed`` is the same file corrected and lints
/// with no diagnostics at all (no warnings either).
///
/// A few codes cannot be shown as a file that triggers them when linted as text (invalid
/// bytes, a 32 MiB file, 257 levels of nesting, an alias bomb past the limits): for those
/// ``wrongIsLintable`` is `false` and ``wrong`` is an illustration with a placeholder that
/// the explanation describes.
public struct DiagnosticExplanation: Sendable {
    /// The code this explains.
    public var code: DiagnosticCode
    /// One line, e.g. "Reference to an unknown agent".
    public var title: String
    /// A few paragraphs: the problem, the likely fix, and why Enrich reports it.
    public var explanation: String
    /// A complete pipeline file that triggers this code (see ``wrongIsLintable``).
    public var wrong: String
    /// The same file corrected; it lints with no diagnostics at all.
    public var fixed: String

    public init(code: DiagnosticCode, title: String, explanation: String, wrong: String, fixed: String) {
        self.code = code
        self.title = title
        self.explanation = explanation
        self.wrong = wrong
        self.fixed = fixed
    }

    /// Whether linting ``wrong`` as text reports ``code``.
    ///
    /// `false` for the file-level limits that a short text cannot show:
    /// - E002 (invalid-utf8): `wrong` writes the bad byte as the placeholder `<0xE9>`, since
    ///   a Swift string cannot hold invalid UTF-8;
    /// - E003 (file-too-large): the 32 MiB file is described, not included;
    /// - E004 (nesting-too-deep): the 257+ levels are elided;
    /// - E040 (function-signature-mismatch): needs Swift files beside the pipeline
    ///   (`enrich compile --emit swift --functions DIR`), which lint does not read;
    /// - E005 (alias-limit): the example is a ten-level "billion laughs" document, kept out
    ///   of automated lint runs because it deliberately stresses the expansion limits
    ///   (10,000 aliases, 4,000,000 nodes after expansion) and its anchors sit under
    ///   top-level keys that are not part of the language.
    public var wrongIsLintable: Bool {
        switch code {
        case .invalidUTF8, .fileTooLarge, .nestingTooDeep, .functionSignatureMismatch: false
        default: true
        }
    }

    /// The text `enrich explain CODE` prints.
    ///
    ///     E021 (unknown-agent): Reference to an unknown agent
    ///
    ///     <explanation>
    ///
    ///     Example of the problem:
    ///
    ///         <wrong, indented 4 spaces>
    ///
    ///     Fixed:
    ///
    ///         <fixed, indented 4 spaces>
    public func rendered() -> String {
        var text = "\(code.rawValue) (\(code.name)): \(title)\n\n"
        text += Self.trimmingTrailingNewlines(explanation)
        text += "\n\nExample of the problem:\n\n"
        text += Self.indented(wrong)
        text += "\n\nFixed:\n\n"
        text += Self.indented(fixed)
        text += "\n"
        return text
    }

    /// The explanation of `text`: a code in any case ("E021", "e021", "w004") or the
    /// kebab-case name ("unknown-agent"; underscores and any case are accepted too).
    /// Surrounding whitespace is ignored. `nil` when nothing matches.
    public static func lookup(_ text: String) -> DiagnosticExplanation? {
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty else { return nil }
        if let code = DiagnosticCode(rawValue: trimmed.uppercased()) {
            return catalog[code]
        }
        let name = String(trimmed.lowercased().map { $0 == "_" ? "-" : $0 })
        if let code = DiagnosticCode.allCases.first(where: { $0.name == name }) {
            return catalog[code]
        }
        return nil
    }

    /// One explanation for every ``DiagnosticCode``.
    public static let catalog: [DiagnosticCode: DiagnosticExplanation] = {
        var catalog: [DiagnosticCode: DiagnosticExplanation] = [:]
        for code in DiagnosticCode.allCases {
            catalog[code] = explanation(for: code)
        }
        return catalog
    }()

    // MARK: - Rendering helpers

    private static func trimmingTrailingNewlines(_ text: String) -> String {
        var text = text
        while let last = text.last, last == "\n" || last == "\r\n" { text.removeLast() }
        return text
    }

    private static func indented(_ text: String) -> String {
        trimmingTrailingNewlines(text)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }
            .joined(separator: "\n")
    }

    /// A file's text ends with a newline.
    private static func file(_ text: String) -> String { text + "\n" }

    // MARK: - The entries

    // An exhaustive switch, so a new code cannot be added without its explanation.
    private static func explanation(for code: DiagnosticCode) -> DiagnosticExplanation {
        switch code {

        // MARK: YAML and file level

        case .yamlSyntax:
            return DiagnosticExplanation(
                code: code,
                title: "The file is not valid YAML",
                explanation: """
                Enrich could not read the file as YAML. The message is libyaml's own, and the
                position is where the parser gave up, which is often just after the real
                mistake: look at the marked line and the one above it.

                The usual causes are a bracket or quote that is opened and never closed (`[a, b`
                instead of `[a, b]`, or a URL missing its closing `"`), a line whose indentation
                does not line up with its siblings, or a plain value that contains `: ` or ` #`
                and needs quotes around it.

                Fix this first: until the file parses, Enrich cannot check anything else in it,
                so this is the only error you will see for the file.
                """,
                wrong: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  allow_hosts: [crm.example, api.example
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  allow_hosts: [crm.example, api.example]
                  output:
                    segment: data.segment
                """)
            )

        case .invalidUTF8:
            return DiagnosticExplanation(
                code: code,
                title: "The file is not valid UTF-8",
                explanation: """
                Pipeline files must be UTF-8, and this one contains bytes that are not. The
                position points at the first bad byte.

                Re-save the file as UTF-8: most editors have an "encoding" setting, and on the
                command line `iconv -f latin1 -t utf-8 old.yaml > new.yaml` converts a Latin-1
                file. The usual culprit is a file written in Latin-1 or Windows-1252, where `é`
                is the single byte 0xE9; UTF-8 writes it as the two bytes 0xC3 0xA9, and a lone
                0xE9 followed by a space is invalid.

                Enrich rejects the file rather than guessing its encoding, because a wrong guess
                silently changes the strings that end up in URLs, lookup keys and enriched
                events.

                In the example below, `<0xE9>` stands for that single raw byte 0xE9 (it cannot
                be shown as text).
                """,
                wrong: file("""
                pipeline: cafe_orders
                description: "Orders from the caf<0xE9> terminals"
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'pos'"
                """),
                fixed: file("""
                pipeline: cafe_orders
                description: "Orders from the café terminals"
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'pos'"
                """)
            )

        case .fileTooLarge:
            return DiagnosticExplanation(
                code: code,
                title: "The file is larger than 32 MiB",
                explanation: """
                Enrich reads pipeline files of at most 32 MiB (33,554,432 bytes; `enrich lint --max-file-size` raises it), and this one
                is larger.

                First check that you passed the right path: a hand-written pipeline is a few
                kilobytes, so a file this size is usually a data file, a log, or an event dump
                given to `enrich lint` by mistake. If the pipeline is generated, keep data out
                of it: put tables in a CSV or SQLite file and read them with a `lookup` agent
                (`table:`), and keep the pipeline to the agents themselves.

                The limit keeps CI runners and editors from spending memory and time on a file
                that is almost certainly not a pipeline. The example below describes such a file
                instead of including 32 MiB of it.
                """,
                wrong: file("""
                # generated.yaml: 73,400,320 bytes (70 MiB) of generated agents
                agents:
                - name: agent_000001
                  type: expr
                  output:
                    field_000001: event.a
                # ... and 480,000 more agents like it ...
                """),
                fixed: file("""
                agents:
                - name: plans
                  type: lookup
                  table: plans.csv
                  key: plan_id
                  input:
                    key: event.plan_id
                  output:
                    plan_name: name
                """)
            )

        case .nestingTooDeep:
            return DiagnosticExplanation(
                code: code,
                title: "The YAML is nested more than 256 levels deep",
                explanation: """
                A value in this file is nested inside more than 256 levels of lists or mappings.
                No pipeline needs more than a handful: the deepest parts of the language (an
                agent's `retry` or `output` with its long form) are about six levels down.

                Look at the marked value: such depth almost always comes from a generator that
                went wrong or from input that was not meant to be a pipeline. Write the value
                flat; if you need structured data, keep it in a file that an agent reads
                (`lookup` table, `process` command) rather than in the pipeline.

                Enrich stops at 256 levels so that reading a hostile or broken file cannot
                exhaust the stack. The example below elides the brackets; the real file had 300
                levels.
                """,
                wrong: file("""
                agents:
                - name: tag
                  type: expr
                  output:
                    label: [[[[[[[[ ... 300 levels of brackets ... ]]]]]]]]
                """),
                fixed: file("""
                agents:
                - name: tag
                  type: expr
                  output:
                    label: "'vip'"
                """)
            )

        case .aliasLimit:
            return DiagnosticExplanation(
                code: code,
                title: "Too many YAML aliases, or too many nodes after expanding them",
                explanation: """
                YAML anchors (`&name`) and aliases (`*name`) let a file reuse a value, and
                Enrich expands every alias where it is used. It stops at 10,000 aliases, or at
                4,000,000 nodes after expansion, and this file goes past one of those limits.

                If you use aliases to share settings (a retry policy, a set of headers), a few
                dozen is plenty: write repeated values out, or share fewer, larger blocks. A
                file that passes the limit is usually a "billion laughs" document, where each
                anchor is a list of aliases to the previous one: ten levels of ten aliases
                expand to 10^9 nodes from a file under 1 KB. That is a way to exhaust memory,
                not a pipeline.

                The limits keep `enrich lint` fast and bounded on any input, including files
                from pull requests you have not read yet. The example below shows the shape of
                such a document; the fixed file uses one alias the way it is meant to be used.
                """,
                wrong: file("""
                a0: &a0 "lol"
                a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
                a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
                a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
                a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
                a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
                a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
                a7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
                a8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
                agents:
                - name: laughs
                  type: process
                  command: [*a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8]
                  output: {reply: reply}
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  retry: &retry_policy {attempts: 3, backoff: 200ms}
                  output:
                    segment: data.segment
                - name: billing
                  type: http
                  url: "https://billing.example/accounts/{event.user_id}"
                  retry: *retry_policy
                  output:
                    plan: data.plan
                """)
            )

        case .duplicateKey:
            return DiagnosticExplanation(
                code: code,
                title: "The same key appears twice in one mapping",
                explanation: """
                A key is written twice in the same mapping. Keep the one you mean and delete the
                other.

                If the two keys belong to two different agents, a `- ` is missing: every agent
                starts a new list item with `- name: ...`, and without it the second agent's
                keys land in the first.

                Many YAML readers accept duplicate keys and silently keep one of the values
                (some the first, some the last). Enrich rejects them because one of the two
                values is being ignored and nothing in the file says which: here, is the timeout
                2 seconds or 500 milliseconds?
                """,
                wrong: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 2s
                  timeout: 500ms
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 500ms
                  output:
                    segment: data.segment
                """)
            )

        case .emptyFile:
            return DiagnosticExplanation(
                code: code,
                title: "The file is empty",
                explanation: """
                The file holds no YAML document: it is empty, or only whitespace and comments. A
                pipeline needs at least an `agents:` list with one agent.

                Check that you linted the file you meant to (a wrong glob or an empty file left
                by a failed generator or merge are the common causes). If you are starting a new
                pipeline, the smallest valid one is an `agents:` list with a single agent, as in
                the fixed example.

                Enrich reports this instead of accepting an empty pipeline, because running one
                would pass every event through unchanged, which is never what a pipeline file is
                for.
                """,
                wrong: file("""
                # Enrichment for checkout events.
                # TODO: add the agents.
                """),
                fixed: file("""
                # Enrichment for checkout events.
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'checkout'"
                """)
            )

        case .tabIndentation:
            return DiagnosticExplanation(
                code: code,
                title: "A tab character is used for indentation",
                explanation: """
                A line is indented with a tab. YAML allows only spaces for indentation: replace
                the tab with spaces, lined up with the line's siblings (two spaces per level is
                the usual style).

                To stop it happening again, set your editor to insert spaces in YAML files (an
                `.editorconfig` with `[*.yaml]` and `indent_style = space` does it for most
                editors); `expand -t 2 file.yaml` converts an existing file.

                A tab looks like spaces on screen but is one character to the parser, so YAML
                cannot tell how deep it indents. libyaml's own message for it is "found
                character that cannot start any token"; Enrich gives it its own code so the fix
                is obvious.
                """,
                wrong: file("""
                agents:
                - name: tag
                  type: expr
                  output:
                \tchannel: "'email'"
                """),
                fixed: file("""
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'email'"
                """)
            )

        case .unsupportedYAML:
            return DiagnosticExplanation(
                code: code,
                title: "The file uses a YAML feature that Enrich does not support",
                explanation: """
                Enrich reads a single YAML document with plain string keys. This file uses
                something outside that: several documents separated by `---`, a list or mapping
                used as a key (`? [a, b]`), or a custom tag such as `!python/object` or
                `!!binary`.

                If you concatenated two pipeline files, merge their `agents:` lists into one
                document, or keep them as separate files (`enrich lint a.yaml b.yaml` checks
                both). A single `---` at the very top of a file is fine: that is still one
                document. Remove custom tags: values are plain strings, numbers, booleans, lists
                and mappings.

                A pipeline is one plan for one stream of events, and its meaning must not depend
                on how a particular YAML library treats extra documents or language-specific
                tags; rejecting them keeps the file portable and unambiguous.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                ---
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'email'"
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: tag
                  type: expr
                  output:
                    channel: "'email'"
                """)
            )

        // MARK: Structure of the pipeline file

        case .unknownKey:
            return DiagnosticExplanation(
                code: code,
                title: "Unknown key",
                explanation: """
                This key is not part of the pipeline language at this place. If it is a typo,
                use the key the message suggests ("did you mean `timeout`?").

                Keys that belong to one agent type are only valid on agents of that type: `url`
                and `headers` are for `http`, `database` is for `geoip`, `table` and `key` are
                for `lookup`. To document something, use `description:` or a YAML comment
                (`# ...`). The language reference (grammar/README.md) lists every key.

                Enrich reports unknown keys instead of ignoring them because a misspelt key does
                nothing, silently: with `timout: 2s` the agent keeps the default 1-second
                timeout, and you find out in production.
                """,
                wrong: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timout: 2s
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 2s
                  output:
                    segment: data.segment
                """)
            )

        case .missingKey:
            return DiagnosticExplanation(
                code: code,
                title: "A required key is missing",
                explanation: """
                A key that must be present is missing; add it. The message names the key and the
                place it belongs.

                Required keys: `agents` at the top of the file; `name` and `type` on every
                agent; and per agent type, `url` for `http`, `table` and `key` for `lookup`,
                `database` for `geoip`, `command` for `process`, `model` for `local_llm`.

                Everything else has a default, but these cannot: without a `type` Enrich does
                not know what the agent does (an `expr` computing fields? an `http` call?), so
                it cannot check the rest of the agent either.
                """,
                wrong: file("""
                agents:
                - name: plan
                  output:
                    plan_name: event.plan
                """),
                fixed: file("""
                agents:
                - name: plan
                  type: expr
                  output:
                    plan_name: event.plan
                """)
            )

        case .wrongValueType:
            return DiagnosticExplanation(
                code: code,
                title: "A value has the wrong type",
                explanation: """
                The value has the wrong shape for its key: a list where a mapping is expected, a
                mapping where a single value is expected, a string where a number is expected,
                and so on. The message says what was expected.

                Here `input` is a list, but it must be a mapping from input names to
                expressions: `input: [event.ip]` does not say which input receives `event.ip`. A
                geoip agent reads its address from the input named `ip`, so write
                `input: {ip: event.ip}` (or the block form below). Other common cases: `agents:`
                written as a mapping instead of a list (each agent starts with `- `),
                `retry: "two"` instead of `retry: 2`, `emit: "no"` instead of `emit: false`.

                Enrich checks shapes before anything else so that later messages (about names,
                types and timing) talk about what you meant to write.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input: [event.ip]
                  output:
                    country: country
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                """)
            )

        case .badDuration:
            return DiagnosticExplanation(
                code: code,
                title: "A duration is not written correctly",
                explanation: """
                Write durations as an integer followed by a unit, with no space: `2s`, `500ms`,
                `5m`, `1h`, or several together such as `1m30s`. The units are `us`, `ms`, `s`,
                `m` and `h`; `0` alone is allowed.

                `2 seconds`, `1.5s` (use `1500ms`), `-1s`, `2` (no unit) and `2sec` are
                rejected. Durations appear in `timeout`, `deadline`, retry `backoff` and
                `max_backoff`, cache `ttl`, `dedup.window` and the sink's `linger`.

                Enrich insists on one exact notation because a guessed unit is a thousandfold
                mistake waiting to happen: is `timeout: 2` two seconds or two milliseconds?
                """,
                wrong: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 2 seconds
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 2s
                  output:
                    segment: data.segment
                """)
            )

        case .invalidValue:
            return DiagnosticExplanation(
                code: code,
                title: "A value is not one of the allowed values, or is out of range",
                explanation: """
                The value has the right type but is not allowed here. Use one of the values the
                message lists.

                For example: `rate_limit` is a count per second, minute or hour (`100/s`,
                `600/m`, `5000/h`), not a word like `fast`; `concurrency` and retry `attempts`
                must be at least 1; an http `method` is one of `GET POST PUT PATCH DELETE HEAD`
                (`FETCH` is not a method); `fallback` is `cache`, `skip`, `fail` or
                `{default: {...}}`.

                Enrich rejects these values at lint time because at run time there is no good
                way to interpret them: a rate limit of "fast" or a concurrency of 0 would either
                be ignored or stop the agent entirely.
                """,
                wrong: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  rate_limit: fast
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  rate_limit: 100/s
                  output:
                    segment: data.segment
                """)
            )

        case .unknownAgentType:
            return DiagnosticExplanation(
                code: code,
                title: "Unknown agent type",
                explanation: """
                The agent's `type` is not one Enrich knows. If it is a typo, use the type the
                message suggests ("did you mean `geoip`?").

                The agent types are `http` (call an API), `lookup` (a row from a CSV or SQLite
                table), `geoip` (country and city of an IP address), `sentiment`, `process` (a
                long-running subprocess speaking JSON lines, the way to plug in code in any
                language), `local_llm` (a local model server), `expr` (fields computed from
                expressions) and `function` (a registered Swift function). Something else, such
                as a model or a service of your own, goes behind `process` or `http`.

                The type decides which keys the agent accepts and which result fields it has, so
                nothing else about the agent can be checked until it is known.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoipp
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                """)
            )

        case .duplicateAgentName:
            return DiagnosticExplanation(
                code: code,
                title: "Two agents have the same name",
                explanation: """
                Two agents share a name. Rename one of them, and update the references
                (`name.field`) that were meant for it. If the second agent is an accidental copy
                of the first, delete it.

                Names are how agents refer to each other: `tag.channel` means "the `channel`
                output of the agent named `tag`", and that reference is also the dependency edge
                that orders the agents. With two agents called `tag`, every such reference,
                every `after:` entry, metric, cache and audit record would be ambiguous.
                """,
                wrong: file("""
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'email'"
                - name: tag
                  type: expr
                  output:
                    priority: "'high'"
                """),
                fixed: file("""
                agents:
                - name: tag
                  type: expr
                  output:
                    channel: "'email'"
                - name: priority
                  type: expr
                  output:
                    priority: "'high'"
                """)
            )

        case .unknownTypeName:
            return DiagnosticExplanation(
                code: code,
                title: "Unknown type name",
                explanation: """
                A type in the `event:` schema (or in an output's long form
                `{path: ..., type: ...}`) is not one Enrich knows. If it is a typo, use the type
                the message suggests ("did you mean `string`?").

                The types are `string`, `int`, `float`, `bool`, `timestamp`, `duration` and
                `json` (any value, not checked), each optionally followed by `?` for a field
                that may be missing (`string?`). A field can also be written
                `{type: string, description: ...}`.

                The schema is what Enrich checks every `event.` reference and comparison
                against, so a field with an unknown type would make those checks guess; Enrich
                stops and asks instead.
                """,
                wrong: file("""
                event:
                  user_id: strng
                agents:
                - name: keys
                  type: expr
                  output:
                    user_key: hash(event.user_id)
                """),
                fixed: file("""
                event:
                  user_id: string
                agents:
                - name: keys
                  type: expr
                  output:
                    user_key: hash(event.user_id)
                """)
            )

        // MARK: Expressions

        case .expressionSyntax:
            return DiagnosticExplanation(
                code: code,
                title: "An expression cannot be parsed",
                explanation: """
                This expression is not complete or not well formed; the caret shows where the
                parser stopped. Here the comparison `event.plan ==` has nothing on its
                right-hand side.

                Other common causes: `=` instead of `==`, `and`/`or`/`not` instead of
                `&&`/`||`/`!`, an unbalanced parenthesis or bracket, or a `{...}` left open in a
                URL or header. Expressions appear in `when`, in `input` values, in `expr`
                outputs, in cache and dedup keys, and between braces in `url` and `headers`.

                Mind the two layers of quoting: YAML reads the value first, then Enrich parses
                what is left as an expression. A string literal needs quotes that survive YAML:
                write `"'email'"` or `'"email'"`, or leave the whole value unquoted as in
                `event.plan == "enterprise"`.
                """,
                wrong: file("""
                agents:
                - name: vip
                  type: expr
                  when: event.plan ==
                  output:
                    label: "'vip'"
                """),
                fixed: file("""
                agents:
                - name: vip
                  type: expr
                  when: event.plan == "enterprise"
                  output:
                    label: "'vip'"
                """)
            )

        case .unknownAgent:
            return DiagnosticExplanation(
                code: code,
                title: "Reference to an unknown agent",
                explanation: """
                A path like `geocod.country` refers to the output `country` of an agent named
                `geocod`, and there is no agent with that name. If it is a typo, use the name
                the message suggests ("did you mean `geocode`?"); if the agent was renamed or
                removed, update the reference; if you meant a field of the incoming event, write
                `event.country`.

                The first part of a path is always `event`, `env`, `input` (inside an `expr`
                output or an `http` template) or the name of an agent in this file.

                A reference to another agent is also how Enrich learns the order to run agents
                in: `geocode.country` makes this agent wait for `geocode`. A reference to an
                agent that does not exist can be neither ordered nor filled in, so it is an
                error, not an empty value at run time.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: market
                  type: expr
                  output:
                    market: lower(geocod.country)
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: market
                  type: expr
                  output:
                    market: lower(geocode.country ?? "unknown")
                """)
            )

        case .unknownField:
            return DiagnosticExplanation(
                code: code,
                title: "Reference to an unknown field",
                explanation: """
                The agent exists, but it has no output with this name (or, for `event.x`, the
                `event:` schema declares no field `x`). If it is a typo, use the field the
                message suggests ("did you mean `country`?").

                `agent.field` refers to the names on the left of that agent's `output:` mapping,
                the fields it writes, not to paths inside its response: with
                `output: {segment: data.segment}`, write `crm.segment`. To use another field of
                the response, add it to the agent's `output` first (with `emit: false` on the
                agent if it should not be written to the event). When the pipeline declares an
                `event:` schema, every `event.` field used must be declared there; add the
                field, with a `?` if it may be absent.

                A misspelt field would otherwise be missing on every event, a bug that no test
                notices until the enriched data is wrong.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: market
                  type: expr
                  output:
                    market: geocode.contry ?? "unknown"
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: market
                  type: expr
                  output:
                    market: geocode.country ?? "unknown"
                """)
            )

        case .typeMismatch:
            return DiagnosticExplanation(
                code: code,
                title: "The types in an expression do not match",
                explanation: """
                An operator, function or key received a value of the wrong type. Here the event
                schema says `age` is an `int`, and it is compared with the string `"18"`.
                Compare it with the number `18`; if the data really holds strings, declare the
                field as `string`, or convert explicitly with `to_int(...)` / `to_string(...)`.

                Other common cases: a `when` guard that is not a `bool` (`when: event.age + 1`),
                arithmetic on strings, or a function argument of the wrong type
                (`lower(event.age)`). Fields of type `json`, including every event field when
                there is no `event:` schema, are dynamic and not checked.

                Enrich does not convert between types silently: `10 >= "9"` is true for numbers
                and false for strings, and guessing which one you meant is how the wrong events
                get enriched.
                """,
                wrong: file("""
                event:
                  age: int
                agents:
                - name: adult
                  type: expr
                  when: event.age >= "18"
                  output:
                    segment: "'adult'"
                """),
                fixed: file("""
                event:
                  age: int
                agents:
                - name: adult
                  type: expr
                  when: event.age >= 18
                  output:
                    segment: "'adult'"
                """)
            )

        case .unknownFunction:
            return DiagnosticExplanation(
                code: code,
                title: "Unknown function, or the wrong number of arguments",
                explanation: """
                The expression calls a function that does not exist, or calls one with the wrong
                number of arguments. If it is a typo, use the function the message suggests
                ("did you mean `lower`?").

                The functions are `lower(s)`, `upper(s)`, `trim(s)`, `len(s or list)`,
                `concat(s, ...)`, `coalesce(a, ...)`, `hash(x)`, `contains(s, part)`,
                `starts_with(s, prefix)`, `ends_with(s, suffix)`, `to_string(x)`, `to_int(x)`,
                `to_float(x)` and `now()`. Anything more involved belongs in an agent: a
                `function` agent for Swift code, a `process` agent for any other language.

                Functions are a small fixed set, pure and known at compile time, so that plans
                can be checked, constant-folded and run identically everywhere.
                """,
                wrong: file("""
                agents:
                - name: normalize
                  type: expr
                  output:
                    name_key: lowr(event.name)
                """),
                fixed: file("""
                agents:
                - name: normalize
                  type: expr
                  output:
                    name_key: lower(event.name)
                """)
            )

        case .unhandledOptional:
            return DiagnosticExplanation(
                code: code,
                title: "A value that may be missing is used without handling the missing case",
                explanation: """
                This expression uses an output of another agent that may be missing, and does
                not say what to do when it is. Give it a default: `geocode.country ?? "unknown"`
                (or `coalesce(geocode.country, "unknown")`). Alternatives: guard the consumer
                with a `when` on the same path (`when: geocode.country != null`), so it only
                runs when the value is there; or give the consumer an explicit `fallback: skip`,
                to accept being skipped.

                An agent may produce nothing when it has a `when` guard (here `geocode` only
                runs for events with an `ip`), or when its `fallback` is `skip` (the default) or
                `cache` and every attempt failed. Only `fallback: fail`, or a
                `fallback: {default: {...}}` covering the field, guarantees a value.

                Enrich asks for a decision here, at lint time, so that a missing value is
                something you chose how to handle, not something the runtime discovers at 3 a.m.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  when: event.ip != null
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: market
                  type: expr
                  output:
                    market: geocode.country
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  when: event.ip != null
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: market
                  type: expr
                  output:
                    market: geocode.country ?? "unknown"
                """)
            )

        // MARK: The dependency graph and its timing

        case .dependencyCycle:
            return DiagnosticExplanation(
                code: code,
                title: "Agents depend on each other in a cycle",
                explanation: """
                These agents wait for each other: the message prints the cycle, here
                `segment → offer → segment`. Break it by making one of them compute its value
                from the event (or from an agent outside the cycle) instead of from the other.
                If one agent does two jobs, one needed before the other agent and one after,
                split it into two agents.

                Every `agent.field` reference is a dependency edge (the referring agent runs
                after the referenced one), and so is every `after:` entry; a cycle can run
                through either kind.

                Agents run as a graph: each starts as soon as everything it uses is ready. In a
                cycle, none of them can ever start, so there is no order in which to run the
                pipeline.
                """,
                wrong: file("""
                agents:
                - name: segment
                  type: expr
                  output:
                    segment_key: concat(event.plan, offer.offer_code ?? "")
                - name: offer
                  type: expr
                  output:
                    offer_code: concat("offer-", segment.segment_key ?? "none")
                """),
                fixed: file("""
                agents:
                - name: segment
                  type: expr
                  output:
                    segment_key: lower(event.plan)
                - name: offer
                  type: expr
                  output:
                    offer_code: concat("offer-", segment.segment_key ?? "none")
                """)
            )

        case .timeoutOverDeadline:
            return DiagnosticExplanation(
                code: code,
                title: "An agent's timeout is longer than the pipeline's deadline",
                explanation: """
                The agent's `timeout` is longer than the whole pipeline's `deadline`. Lower the
                timeout below the deadline, leaving room for the agents that run before and
                after it; or, if the agent really needs that long, raise the deadline.

                `deadline` is the budget for an event from start to end, and at run time each
                attempt's timeout is capped by what is left of it. A longer timeout can never be
                reached: the deadline always cuts the agent off first, so the configured value
                is misleading, and so are the retries and cache fallbacks planned around it.

                When you set a deadline, give every agent an explicit timeout, so the budget of
                each step is written down.
                """,
                wrong: file("""
                deadline: 500ms
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 2s
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                deadline: 500ms
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 300ms
                  output:
                    segment: data.segment
                """)
            )

        case .criticalPathOverDeadline:
            return DiagnosticExplanation(
                code: code,
                title: "The slowest chain of agents can take longer than the deadline",
                explanation: """
                Every agent fits in the deadline on its own, but a chain of agents that run one
                after another can take longer in the worst case. The message names the chain and
                its figure: here `crm → offers`, 400ms + 400ms = 800ms against a deadline of
                500ms.

                Likely fixes, in order: lower the timeouts (or retries) on the chain so their
                sum fits; cut the chain, if an agent does not really need the other's output it
                can run in parallel with it; or raise the deadline if the budget was
                unrealistic. A cache does not help here: a miss still costs the full worst case.

                An agent's worst case is `timeout × attempts` plus its backoffs: the backoff
                before retry k is `min(backoff × 2^(k-1), max_backoff)`, doubled when `jitter`
                is on. With `timeout: 400ms` and
                `retry: {attempts: 3, backoff: 100ms, jitter: false}`, that is 3 × 400ms plus
                100ms and 200ms of backoff: 1500ms. Agents in parallel cost only the slowest of
                them; agents in a chain add up. The deadline would cut such events short at run
                time and mark them partially enriched, so Enrich says so at lint time instead.
                """,
                wrong: file("""
                deadline: 500ms
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 400ms
                  output:
                    segment: data.segment
                - name: offers
                  type: http
                  url: "https://offers.example/best?segment={crm.segment ?? 'none'}"
                  timeout: 400ms
                  output:
                    offer: data.offer
                """),
                fixed: file("""
                deadline: 500ms
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  timeout: 200ms
                  output:
                    segment: data.segment
                - name: offers
                  type: http
                  url: "https://offers.example/best?segment={crm.segment ?? 'none'}"
                  timeout: 250ms
                  output:
                    offer: data.offer
                """)
            )

        case .functionSignatureMismatch:
            return DiagnosticExplanation(
                code: code,
                title: "A function agent and its Swift function disagree",
                explanation: """
                With `enrich compile --emit swift --functions DIR`, each `function` agent calls a
                Swift function from DIR, compiled into the generated binary. The function must
                match the agent: either it takes all inputs at once,

                    func NAME(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue

                or one labelled parameter per `input:` name, each `JSONValue` (or `JSONValue?`),

                    func NAME(amount_usd: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue

                returning the result object the agent's `output:` paths select from. The message
                names the agent's place in the pipeline and the function's file and line.

                Enrich checks this before generating anything, so the mistake is reported against
                your pipeline, not as a compiler error deep in generated code. Below, the function
                (in functions/loyalty.swift) calls its parameter `amount` while the pipeline passes
                `amount_usd`.
                """,
                wrong: file("""
                pipeline: orders
                agents:
                - name: loyalty
                  type: function
                  function: loyalty_points
                  input:
                    amount_usd: event.amount
                  output:
                    points: points

                # functions/loyalty.swift:
                #   func loyalty_points(amount: JSONValue) throws(AgentFailure) -> JSONValue
                """),
                fixed: file("""
                pipeline: orders
                agents:
                - name: loyalty
                  type: function
                  function: loyalty_points
                  input:
                    amount_usd: event.amount
                  output:
                    points: points

                # functions/loyalty.swift:
                #   func loyalty_points(amount_usd: JSONValue) throws(AgentFailure) -> JSONValue
                """)
            )

        case .outputCollision:
            return DiagnosticExplanation(
                code: code,
                title: "Two outputs write the same event field",
                explanation: """
                Two agents write an output with the same name (or an output has the name of a
                field declared in `event:`). Rename one of them: here `crm_country` says where
                the value came from.

                If you wanted one field with a fallback ("the CRM's country, else the geocoded
                one"), give the two agents different output names, mark them `emit: false`, and
                compute the field in an `expr` agent with `??` or `coalesce(...)`.

                Agents run in parallel when they can, so with two writers the event would end up
                with whichever finished last, a different one from run to run. Overwriting a
                field of the incoming event loses the original value the same way.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  output:
                    country: data.country
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  output:
                    crm_country: data.country
                """)
            )

        // MARK: Warnings

        case .unusedAgent:
            return DiagnosticExplanation(
                code: code,
                title: "An agent's results are never used",
                explanation: """
                Nothing uses this agent's results: it has `emit: false` (or no outputs at all),
                so nothing is written to the event, and no other agent refers to its outputs.
                Usually the reference was meant to be there: use it where it was intended, as in
                the fixed example where the CRM call uses the normalized e-mail. If you wanted
                the outputs on the event, remove `emit: false`. If the agent is left over,
                delete it.

                An agent nobody reads still costs time, API calls and rate-limit budget for
                every event, and the planner may remove it as dead code, so the file would not
                describe what actually runs.

                This is a warning: `enrich lint` still succeeds, unless you pass `--strict`.
                """,
                wrong: file("""
                agents:
                - name: normalize
                  type: expr
                  emit: false
                  output:
                    email_key: lower(trim(event.email))
                - name: crm
                  type: http
                  url: "https://crm.example/users?email={event.email}"
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: normalize
                  type: expr
                  emit: false
                  output:
                    email_key: lower(trim(event.email))
                - name: crm
                  type: http
                  url: "https://crm.example/users?email={normalize.email_key ?? event.email}"
                  output:
                    segment: data.segment
                """)
            )

        case .retryNonIdempotent:
            return DiagnosticExplanation(
                code: code,
                title: "A request that may not be safe to repeat is retried",
                explanation: """
                This http agent retries a `POST` (or `PATCH`) request that is not marked
                idempotent. If the endpoint is safe to call twice with the same data (it
                deduplicates, for example on an `Idempotency-Key` header built from the event),
                say so with `idempotent: true`. If it is not, remove `retry` and rely on the
                agent's `fallback` instead.

                A timeout does not mean the request failed: the server may have processed it and
                the answer got lost. Retrying then does the work twice: two leads in the CRM,
                two conversions reported, two charges. `GET`, `HEAD`, `PUT` and `DELETE` are
                idempotent by definition and can be retried freely.

                This is a warning: `enrich lint` still succeeds, unless you pass `--strict`.
                """,
                wrong: file("""
                agents:
                - name: scoring
                  type: http
                  url: "https://scoring.example/v1/score"
                  method: POST
                  retry: 2
                  input:
                    user_id: event.user_id
                  output:
                    lead_score: data.score
                """),
                fixed: file("""
                agents:
                - name: scoring
                  type: http
                  url: "https://scoring.example/v1/score"
                  method: POST
                  idempotent: true
                  retry: 2
                  input:
                    user_id: event.user_id
                  output:
                    lead_score: data.score
                """)
            )

        case .literalSecret:
            return DiagnosticExplanation(
                code: code,
                title: "A secret is written literally in the file",
                explanation: """
                This value looks like a credential (an API key, a bearer token, a password)
                written directly in the pipeline file. Read it from the environment instead:
                `"Bearer {env.CRM_TOKEN}"`, and set `CRM_TOKEN` where the pipeline runs. `env.`
                values are resolved at run time and are never copied into compiled plans.

                Then treat the secret as leaked and rotate it: pipeline files are committed,
                reviewed, printed in CI logs and pasted into chats, and version control keeps
                the old value even after you edit it out.

                This is a warning: `enrich lint` still succeeds, unless you pass `--strict`.
                """,
                wrong: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  headers:
                    Authorization: "Bearer sk_live_abc123def456ghi789"
                  output:
                    segment: data.segment
                """),
                fixed: file("""
                agents:
                - name: crm
                  type: http
                  url: "https://crm.example/users/{event.user_id}"
                  headers:
                    Authorization: "Bearer {env.CRM_TOKEN}"
                  output:
                    segment: data.segment
                """)
            )

        case .redundantAfter:
            return DiagnosticExplanation(
                code: code,
                title: "An `after` entry repeats a dependency that already exists",
                explanation: """
                This agent lists another agent in `after:`, but it already uses that agent's
                output (here `geocode.country` in the URL), which orders the two by itself.
                Delete the entry.

                `after:` is for ordering that data cannot express, for example an agent that
                must wait for another one's side effect. Repeating a data dependency there adds
                nothing today, and later, when the reference is removed, the stale entry
                silently keeps the wait and its latency.

                This is a warning: `enrich lint` still succeeds, unless you pass `--strict`.
                """,
                wrong: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: attribution
                  type: http
                  url: "https://ads.example/attribution?country={geocode.country ?? 'unknown'}"
                  after: [geocode]
                  output:
                    campaign: data.campaign
                """),
                fixed: file("""
                agents:
                - name: geocode
                  type: geoip
                  database: geo.csv
                  input:
                    ip: event.ip
                  output:
                    country: country
                - name: attribution
                  type: http
                  url: "https://ads.example/attribution?country={geocode.country ?? 'unknown'}"
                  output:
                    campaign: data.campaign
                """)
            )
        }
    }
}
