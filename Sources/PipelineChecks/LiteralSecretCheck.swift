import Diagnostics
import PipelineSyntax

/// Credentials written into the file instead of read from the environment (W003).
///
/// Plans and audit rows keep only `env.X` references, so a literal token would end up
/// in version control, plan files and logs.
enum LiteralSecretCheck {
    static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token", "cookie", "x-token",
    ]
    static let sensitiveNames = ["password", "passwd", "secret", "token", "api_key", "apikey", "access_key", "private_key", "credential"]
    static let tokenPrefixes = ["sk_live_", "sk_test_", "rk_live_", "ghp_", "gho_", "github_pat_", "xoxb-", "xoxp-", "glpat-", "AKIA", "-----BEGIN", "eyJhbGci"]
    /// Words that may precede a credential in an Authorization header without being one.
    static let authSchemes: Set<String> = ["bearer", "basic", "token", "apikey", "digest"]

    static func check(_ agents: [AgentDecl], file: SourceFile, diagnostics: inout DiagnosticCollector) {
        for agent in agents {
            // Built only for a report: most agents have nothing to report.
            var variable: String { agent.name.value.uppercased() + "_TOKEN" }
            for header in agent.http?.headers ?? [] where sensitiveHeaders.contains(header.name.value.lowercased()) {
                if let literal = literalCredential(in: header.value) {
                    // Keep the scheme (`Bearer`, `Basic`...) the value starts with, if any.
                    let scheme = authScheme(of: header.value).map { $0 + " " } ?? ""
                    var replacement = "\(scheme){env.\(variable)}"
                    // A plain YAML scalar cannot start with `{` (that opens a flow mapping).
                    if scheme.isEmpty, !isQuoted(literal, in: file) { replacement = "\"\(replacement)\"" }
                    report(agent, what: "header `\(header.name.value)`", range: literal, replacement: replacement, diagnostics: &diagnostics)
                }
            }
            if let url = agent.http?.url, case .interpolation(let segments) = url.kind, queryHasCredential(segments) {
                report(agent, what: "the URL's query string", range: url.range, replacement: "{env.\(variable)}", diagnostics: &diagnostics, fix: false)
            }
            for input in agent.inputs {
                guard case .literal(.string(let value)) = input.value.kind, !value.isEmpty else { continue }
                let name = input.name.value.lowercased()
                let namedLikeSecret = sensitiveNames.contains { name == $0 || name.hasSuffix("_" + $0) }
                if namedLikeSecret || looksLikeToken(value) {
                    report(agent, what: "input `\(input.name.value)`", range: input.value.range, replacement: "env.\(input.name.value.uppercased())", diagnostics: &diagnostics)
                }
            }
            // A process agent's `env:` is kept in plans as written; `{env.X}` is read at start.
            for variable in agent.environment ?? [] where !variable.value.value.isEmpty && !variable.value.value.contains("{env.") {
                let name = variable.name.value.lowercased()
                let namedLikeSecret = sensitiveNames.contains { name == $0 || name.hasSuffix("_" + $0) }
                if namedLikeSecret || looksLikeToken(variable.value.value) {
                    let reference = "{env.\(variable.name.value)}"
                    let replacement = isQuoted(variable.value.range, in: file) ? reference : "\"\(reference)\""
                    report(agent, what: "env `\(variable.name.value)`", range: variable.value.range, replacement: replacement, diagnostics: &diagnostics)
                }
            }
        }
    }

    /// The range of literal text that looks like a credential in an interpolated value.
    private static func literalCredential(in value: Expression) -> SourceRange? {
        guard case .interpolation(let segments) = value.kind else { return nil }
        for case .text(let text) in segments {
            let words = text.split(separator: " ").map(String.init)
            if words.contains(where: { !authSchemes.contains($0.lowercased()) && $0.count >= 6 }) {
                return value.range
            }
        }
        return nil
    }

    /// The auth scheme word a header value starts with (`Bearer`, `Basic`...), as written.
    private static func authScheme(of value: Expression) -> String? {
        guard case .interpolation(let segments) = value.kind, case .text(let text)? = segments.first,
            let first = text.split(separator: " ").first, text.hasPrefix(first + " "),
            authSchemes.contains(first.lowercased())
        else { return nil }
        return String(first)
    }

    /// Whether `range` is the inside of a quoted YAML scalar.
    private static func isQuoted(_ range: SourceRange, in file: SourceFile) -> Bool {
        let start = range.start.offset
        let end = range.end.offset
        guard start > 0, end < file.bytes.count else { return false }
        let before = file.bytes[start - 1]
        return (before == UInt8(ascii: "\"") || before == UInt8(ascii: "'")) && file.bytes[end] == before
    }

    /// Whether the literal text of the URL's query (after `?`, across interpolations)
    /// holds a parameter named like a credential with a literal value.
    private static func queryHasCredential(_ segments: [InterpolationSegment]) -> Bool {
        var query = ""
        var inQuery = false
        for segment in segments {
            switch segment {
            case .text(let text):
                if inQuery {
                    query += text
                } else if let mark = firstQuestionMark(in: text) {
                    inQuery = true
                    query += text[text.index(after: mark)...]
                }
            case .expression:
                // An interpolated value is not literal: keep it out of the pairs' values.
                if inQuery { query += "{}" }
            }
        }
        guard inQuery else { return false }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[1].count >= 6 else { continue }
            let key = parts[0].lowercased()
            if key == "key" || sensitiveNames.contains(where: { key.contains($0) }) { return true }
        }
        return false
    }

    /// Where `text` has its first `?` character. For plain ASCII text (no `\r`, which
    /// joins a following `\n` into one character) that is the first `?` byte, found
    /// without walking grapheme clusters; other text takes the general search.
    private static func firstQuestionMark(in text: String) -> String.Index? {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\r") }) {
            return bytes.firstIndex(of: UInt8(ascii: "?"))
        }
        return text.firstIndex(of: "?")
    }

    private static func looksLikeToken(_ value: String) -> Bool {
        tokenPrefixes.contains { value.hasPrefix($0) || value.contains(" " + $0) }
    }

    private static func report(
        _ agent: AgentDecl, what: String, range: SourceRange, replacement: String,
        diagnostics: inout DiagnosticCollector, fix: Bool = true
    ) {
        diagnostics.emit(Diagnostic(
            .literalSecret, "\(what) of `\(agent.name.value)` looks like a credential written into the file",
            at: range,
            notes: [DiagnosticNote("pipeline files end up in version control, plan files and logs; Enrich only keeps `env.X` references out of them")],
            help: ["read it from the environment instead: `\(replacement)`"],
            fixIts: fix ? [FixIt("read it from the environment", replacing: range, with: replacement)] : []))
    }
}
