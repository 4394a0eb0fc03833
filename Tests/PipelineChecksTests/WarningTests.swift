import Diagnostics
import PipelineChecks
import Testing

/// W001–W004 fire where the pattern is present and stay quiet where it is not.
@Suite("Warnings (W001–W004)")
struct WarningTests {
    static func codes(_ text: String) -> [DiagnosticCode] { lint(text).codes }

    // MARK: W001 unused agent

    @Test("W001 fires for an agent whose outputs are neither emitted nor read")
    func unusedAgentFires() throws {
        let result = lint("""
            agents:
            - name: normalize
              type: expr
              emit: false
              output:
                email_key: lower(event.email)
            """)
        #expect(result.codes == [.unusedAgent])
        #expect(result.diagnostics.first.map { $0.text(in: result.file) } == "normalize")
        #expect(result.diagnostics.first?.severity == .warning)
        #expect(!result.hasErrors)
    }

    @Test("W001 fires for a GET request with no outputs")
    func unusedGetFires() {
        #expect(Self.codes("""
            agents:
            - name: ping
              type: http
              url: "https://ping.example/{event.id}"
            """) == [.unusedAgent])
    }

    @Test("W001 does not fire when the outputs are emitted, read by another agent, or the agent has a side effect", arguments: [
        // Emitted (the default).
        "agents:\n- name: n\n  type: expr\n  output:\n    email_key: lower(event.email)\n",
        // Internal but read by another agent.
        "agents:\n- name: n\n  type: expr\n  emit: false\n  output:\n    k: lower(event.email)\n- name: m\n  type: expr\n  output:\n    key: n.k\n",
        // Internal but waited for with `after`.
        "agents:\n- name: n\n  type: expr\n  emit: false\n  output:\n    k: lower(event.email)\n- name: m\n  type: expr\n  after: [n]\n  output:\n    key: \"'x'\"\n",
        // A POST without outputs changes something elsewhere.
        "agents:\n- name: notify\n  type: http\n  method: POST\n  url: \"https://hooks.example/signup\"\n",
    ])
    func unusedAgentQuiet(source: String) {
        let result = lint(source)
        #expect(!result.codes.contains(.unusedAgent), "\(result.rendered)")
    }

    // MARK: W002 retry of a non-idempotent request

    static func http(_ settings: String) -> String {
        """
        agents:
        - name: scoring
          type: http
          url: "https://scoring.example/v1/score"
        \(settings)
          output:
            lead_score: data.score
        """
    }

    @Test("W002 fires when a POST or PATCH is retried", arguments: [
        "  method: POST\n  retry: 2",
        "  method: PATCH\n  retry: {attempts: 2}",
        "  method: post\n  retry: 1",
    ])
    func retriedNonIdempotentFires(settings: String) throws {
        let result = lint(Self.http(settings))
        #expect(result.codes == [.retryNonIdempotent], "\(result.rendered)")
        let diagnostic = try #require(result.diagnostics.first)
        // At the `retry` value (line 6), with the method as a note.
        #expect(diagnostic.range.start.line == 6)
        #expect(diagnostic.notes.first?.range?.start.line == 5)
    }

    @Test("W002 does not fire without retries, for idempotent methods, or when marked idempotent", arguments: [
        "  method: POST",
        "  method: POST\n  retry: 0",
        "  method: POST\n  retry: {attempts: 1}",
        "  retry: 3",
        "  method: PUT\n  retry: 3",
        "  method: DELETE\n  retry: 3",
        "  method: POST\n  idempotent: true\n  retry: 2",
    ])
    func retrySafetyQuiet(settings: String) {
        let result = lint(Self.http(settings))
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
    }

    // MARK: W003 literal secret

    @Test("W003 fires for a literal bearer token, and its fix-it keeps the scheme inside the quotes")
    func literalBearerToken() throws {
        let result = lint(Self.http("  headers:\n    Authorization: \"Bearer sk_live_abc123def456ghi789\""))
        #expect(result.codes == [.literalSecret])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.text(in: result.file) == "Bearer sk_live_abc123def456ghi789")
        let fixIt = try #require(diagnostic.fixIts.first)
        #expect(fixIt.replacement == "Bearer {env.SCORING_TOKEN}")
        #expect(Self.applying(fixIt, to: result.file).contains("Authorization: \"Bearer {env.SCORING_TOKEN}\"\n"))
        #expect(lint(Self.applying(fixIt, to: result.file)).diagnostics.isEmpty)
    }

    @Test("W003's fix-it for a key without a scheme is valid YAML, quoted or not", arguments: [
        ("    X-Api-Key: \"live-3f9a2b7c1d\"", "    X-Api-Key: \"{env.SCORING_TOKEN}\""),
        ("    X-Api-Key: live-3f9a2b7c1d", "    X-Api-Key: \"{env.SCORING_TOKEN}\""),
        ("    Authorization: Basic dXNlcjpwYXNzd29yZA==", "    Authorization: Basic {env.SCORING_TOKEN}"),
    ])
    func literalKeyFixItIsValidYAML(header: String, fixed: String) throws {
        let result = lint(Self.http("  headers:\n" + header))
        #expect(result.codes == [.literalSecret], "\(result.rendered)")
        let fixIt = try #require(result.diagnostics.first?.fixIts.first)
        let corrected = Self.applying(fixIt, to: result.file)
        #expect(corrected.contains(fixed + "\n"), "\(corrected)")
        let relinted = lint(corrected)
        #expect(relinted.diagnostics.isEmpty, "\(relinted.rendered)")
    }

    @Test("W003 fires for a credential in the URL's query, also after an interpolation", arguments: [
        "https://crm.example/users?api_key=9f8e7d6c5b4a&id={event.user_id}",
        "https://crm.example/users/{event.user_id}?api_key=9f8e7d6c5b4a",
        "https://crm.example/users?id={event.user_id}&token=9f8e7d6c5b4a",
    ])
    func literalSecretInQuery(url: String) {
        #expect(Self.codes("agents:\n- name: crm\n  type: http\n  url: \"\(url)\"\n  output:\n    segment: data.segment\n") == [.literalSecret])
    }

    @Test("W003 fires for a credential-named input with a literal value")
    func literalSecretInInput() throws {
        let result = lint(Self.http("  input:\n    password: \"'hunter2'\""))
        #expect(result.codes == [.literalSecret])
        #expect(result.diagnostics.first?.fixIts.first?.replacement == "env.PASSWORD")
    }

    @Test("W003 fires for a credential-named `env:` value of a process agent, and its fix-it reads it at start", arguments: [
        ("    CRM_TOKEN: \"tok-123456\"", "    CRM_TOKEN: \"{env.CRM_TOKEN}\""),
        ("    CRM_TOKEN: tok-123456", "    CRM_TOKEN: \"{env.CRM_TOKEN}\""),
        ("    LOG_LEVEL: sk_live_abc123def456", "    LOG_LEVEL: \"{env.LOG_LEVEL}\""),
    ])
    func literalSecretInProcessEnvironment(line: String, fixed: String) throws {
        let text = "agents:\n- name: scorer\n  type: process\n  command: [python3, scorer.py]\n  env:\n\(line)\n  input:\n    text: event.text\n  output:\n    score: score\n"
        let result = lint(text)
        #expect(result.codes == [.literalSecret], "\(result.rendered)")
        let fixIt = try #require(result.diagnostics.first?.fixIts.first)
        let corrected = Self.applying(fixIt, to: result.file)
        #expect(corrected.contains(fixed + "\n"), "\(corrected)")
        #expect(lint(corrected).diagnostics.isEmpty, "\(lint(corrected).rendered)")
        let quiet = text.replacingOccurrences(of: line, with: "    LOG_LEVEL: debug\n    HF_TOKEN: \"{env.HF_TOKEN}\"")
        #expect(lint(quiet).diagnostics.isEmpty, "\(lint(quiet).rendered)")
    }

    @Test("W003 does not fire for values read from the environment or computed from the event", arguments: [
        "  headers:\n    Authorization: \"Bearer {env.CRM_TOKEN}\"",
        "  headers:\n    X-Api-Key: \"{env.CRM_KEY}\"",
        "  headers:\n    X-Request-Id: \"request-{event.id}\"",
        "  input:\n    password: env.PASSWORD",
        "  input:\n    channel: \"'email'\"",
    ])
    func literalSecretQuiet(settings: String) {
        let result = lint(Self.http(settings))
        #expect(!result.codes.contains(.literalSecret), "\(result.rendered)")
    }

    @Test("W003 does not fire for query parameters without a literal credential")
    func querySecretQuiet() {
        let url = "https://crm.example/users?api_key={env.CRM_KEY}&page=1&region={event.region}"
        #expect(Self.codes("agents:\n- name: crm\n  type: http\n  url: \"\(url)\"\n  output:\n    segment: data.segment\n").isEmpty)
    }

    // MARK: W004 redundant after

    static let geocode = "- name: geocode\n  type: geoip\n  database: geo.csv\n  input:\n    ip: event.ip\n  output:\n    country: country\n"

    @Test("W004 fires for an `after` entry that repeats a data reference, pointing at the reference")
    func redundantAfterFires() throws {
        let result = lint("agents:\n\(Self.geocode)- name: tag\n  type: expr\n  after: [geocode]\n  output:\n    market: geocode.country ?? \"x\"\n")
        #expect(result.codes == [.redundantAfter])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.text(in: result.file) == "geocode")
        #expect(diagnostic.range.start.line == 11)
        #expect(diagnostic.notes.first?.range.map { result.file.text(of: $0) } == "geocode.country")
    }

    @Test("W004 fires for an agent listed twice in `after`")
    func duplicateAfterFires() throws {
        let result = lint("agents:\n\(Self.geocode)- name: tag\n  type: expr\n  after: [geocode, geocode]\n  output:\n    label: \"'x'\"\n")
        #expect(result.codes == [.redundantAfter])
        #expect(result.diagnostics.first?.notes.first?.message == "`geocode` is listed twice in `after`")
        #expect(result.diagnostics.first?.range.start.column == 20)
    }

    @Test("W004 does not fire for an `after` entry that adds an ordering data cannot express")
    func necessaryAfterQuiet() {
        let result = lint("agents:\n\(Self.geocode)- name: tag\n  type: expr\n  after: [geocode]\n  output:\n    label: \"'x'\"\n")
        #expect(result.diagnostics.isEmpty, "\(result.rendered)")
    }

    /// `file`'s text with `fixIt` applied.
    static func applying(_ fixIt: FixIt, to file: SourceFile) -> String {
        let bytes = file.bytes
        let edited = Array(bytes[..<fixIt.range.start.offset]) + Array(fixIt.replacement.utf8) + Array(bytes[fixIt.range.end.offset...])
        return String(decoding: edited, as: UTF8.self)
    }
}
