import Diagnostics
import PipelineChecks
import Testing

/// Names that do not resolve (keys, agents, fields, types, functions) are reported where
/// they are written, with a "did you mean" suggestion and a fix-it when one is close.
@Suite("Names and did-you-mean suggestions")
struct ReferenceTests {
    /// One misspelling, the code it must raise, the misspelt text and the suggestion.
    struct Misspelling: Sendable, CustomTestStringConvertible {
        var label: String
        var source: String
        var code: DiagnosticCode
        var written: String
        var suggestion: String
        var testDescription: String { label }
    }

    static let geocode = """
        - name: geocode
          type: geoip
          database: geo.csv
          input:
            ip: event.ip
          output:
            country: country
        """

    /// An agent that reads nothing from the event, for files with an `event:` schema.
    static let tag = "- name: tag\n  type: expr\n  output:\n    channel: \"'web'\""

    static let misspellings: [Misspelling] = [
        Misspelling(label: "top-level key", source: "dealine: 1s\nagents:\n\(geocode)\n", code: .unknownKey, written: "dealine", suggestion: "deadline"),
        Misspelling(label: "agent key", source: "agents:\n\(geocode)\n  timout: 2s\n", code: .unknownKey, written: "timout", suggestion: "timeout"),
        Misspelling(
            label: "retry key",
            source: "agents:\n\(geocode)\n  retry: {attempts: 2, max_backof: 1s}\n", code: .unknownKey, written: "max_backof", suggestion: "max_backoff"),
        Misspelling(
            label: "agent in a path",
            source: "agents:\n\(geocode)\n- name: market\n  type: expr\n  output:\n    market: geocod.country ?? \"x\"\n",
            code: .unknownAgent, written: "geocod", suggestion: "geocode"),
        Misspelling(
            label: "agent in `after`",
            source: "agents:\n\(geocode)\n- name: tag\n  type: expr\n  after: [geocde]\n  output:\n    tag: \"'t'\"\n",
            code: .unknownAgent, written: "geocde", suggestion: "geocode"),
        Misspelling(
            label: "output field of an agent",
            source: "agents:\n\(geocode)\n- name: market\n  type: expr\n  output:\n    market: geocode.contry ?? \"x\"\n",
            code: .unknownField, written: "contry", suggestion: "country"),
        Misspelling(
            label: "field of the event schema",
            source: "event:\n  user_id: string\nagents:\n- name: key\n  type: expr\n  output:\n    user_key: hash(event.user_i)\n",
            code: .unknownField, written: "user_i", suggestion: "user_id"),
        Misspelling(
            label: "result field of a geoip agent",
            source: "agents:\n- name: geocode\n  type: geoip\n  database: geo.csv\n  input:\n    ip: event.ip\n  output:\n    town: ctiy\n",
            code: .unknownField, written: "ctiy", suggestion: "city"),
        Misspelling(
            label: "type in the event schema",
            source: "event:\n  user_id: strng\nagents:\n\(tag)\n", code: .unknownTypeName, written: "strng", suggestion: "string"),
        Misspelling(
            label: "type by another language's name",
            source: "event:\n  count: integer\nagents:\n\(tag)\n", code: .unknownTypeName, written: "integer", suggestion: "int"),
        Misspelling(
            label: "optional type keeps its `?`",
            source: "event:\n  flag: bool?\n  email: strin?\nagents:\n\(tag)\n", code: .unknownTypeName, written: "strin?", suggestion: "string?"),
        Misspelling(
            label: "agent type",
            source: "agents:\n- name: geocode\n  type: geoipp\n  database: geo.csv\n  output:\n    country: country\n",
            code: .unknownAgentType, written: "geoipp", suggestion: "geoip"),
        Misspelling(
            label: "function",
            source: "agents:\n- name: key\n  type: expr\n  output:\n    email_key: lowr(event.email)\n",
            code: .unknownFunction, written: "lowr", suggestion: "lower"),
        Misspelling(
            label: "fallback word",
            source: "agents:\n\(geocode)\n  fallback: skp\n", code: .invalidValue, written: "skp", suggestion: "skip"),
    ]

    @Test("a misspelt name is reported where it is written, with a suggestion and a fix-it", arguments: misspellings)
    func misspeltNameGetsSuggestion(_ misspelling: Misspelling) throws {
        let result = lint(misspelling.source)
        #expect(result.codes == [misspelling.code], "\(result.rendered)")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.text(in: result.file) == misspelling.written)
        #expect(diagnostic.help.first == "did you mean `\(misspelling.suggestion)`?")
        let fixIt = try #require(diagnostic.fixIts.first)
        #expect(fixIt.replacement == misspelling.suggestion)
        #expect(result.file.text(of: fixIt.range) == misspelling.written)
    }

    @Test("a name far from every candidate gets no suggestion, but the list of what exists")
    func farNameListsCandidates() throws {
        let result = lint("agents:\n\(Self.geocode)\n- name: market\n  type: expr\n  output:\n    market: geocode.postcode ?? \"x\"\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == .unknownField)
        #expect(diagnostic.fixIts.isEmpty)
        #expect(diagnostic.help == ["available: `country`"])
    }

    @Test("keys of another agent type are named as such, not as typos")
    func keyOfAnotherAgentType() throws {
        let result = lint("agents:\n- name: tag\n  type: expr\n  url: \"https://x.example\"\n  output:\n    tag: \"'t'\"\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == .unknownKey)
        #expect(diagnostic.message == "`url` is not a key of `expr` agents")
        #expect(diagnostic.notes.first?.message.hasPrefix("`url` belongs to `http` agents") == true)
    }

    @Test("`env`, `event` and `input` are not agents; `input` is only available where documented")
    func builtInRoots() {
        let clean = lint("""
            agents:
            - name: crm
              type: http
              url: "https://crm.example/users/{input.user}?region={env.REGION}"
              input:
                user: event.user_id
              output:
                segment: data.segment
            """)
        #expect(clean.diagnostics.isEmpty, "\(clean.rendered)")
        let misplaced = lint("""
            agents:
            - name: geocode
              type: geoip
              database: geo.csv
              input:
                ip: event.ip
              when: input.ip != null
              output:
                country: country
            """)
        #expect(misplaced.codes == [.unknownAgent])
        #expect(misplaced.diagnostics.first.map { $0.text(in: misplaced.file) } == "input")
    }
}
