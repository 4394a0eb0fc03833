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

    static func check(_ agents: [AgentDecl], diagnostics: inout DiagnosticCollector) {
        for agent in agents {
            let variable = agent.name.value.uppercased() + "_TOKEN"
            for header in agent.http?.headers ?? [] where sensitiveHeaders.contains(header.name.value.lowercased()) {
                if let literal = literalCredential(in: header.value) {
                    report(agent, what: "header `\(header.name.value)`", range: literal, variable: variable, diagnostics: &diagnostics)
                }
            }
            if let url = agent.http?.url, case .interpolation(let segments) = url.kind {
                for case .text(let text) in segments where queryHasCredential(text) {
                    report(agent, what: "the URL's query string", range: url.range, variable: variable, diagnostics: &diagnostics, fix: false)
                }
            }
            for input in agent.inputs {
                guard case .literal(.string(let value)) = input.value.kind, !value.isEmpty else { continue }
                let name = input.name.value.lowercased()
                if sensitiveNames.contains(where: { name.contains($0) }) || looksLikeToken(value) {
                    report(agent, what: "input `\(input.name.value)`", range: input.value.range, variable: input.name.value.uppercased(), diagnostics: &diagnostics, interpolated: false)
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

    private static func queryHasCredential(_ text: String) -> Bool {
        guard let query = text.split(separator: "?", maxSplits: 1).dropFirst().first else { return false }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[1].count >= 6 else { continue }
            let key = parts[0].lowercased()
            if key == "key" || sensitiveNames.contains(where: { key.contains($0) }) { return true }
        }
        return false
    }

    private static func looksLikeToken(_ value: String) -> Bool {
        tokenPrefixes.contains { value.hasPrefix($0) || value.contains(" " + $0) }
    }

    private static func report(
        _ agent: AgentDecl, what: String, range: SourceRange, variable: String,
        diagnostics: inout DiagnosticCollector, interpolated: Bool = true, fix: Bool = true
    ) {
        let replacement = interpolated ? "\"Bearer {env.\(variable)}\"" : "env.\(variable)"
        diagnostics.emit(Diagnostic(
            .literalSecret, "\(what) of `\(agent.name.value)` looks like a credential written into the file",
            at: range,
            notes: [DiagnosticNote("pipeline files end up in version control, plan files and logs; Enrich only keeps `env.X` references out of them")],
            help: ["read it from the environment instead: \(interpolated ? "`Bearer {env.\(variable)}`" : "`env.\(variable)`")"],
            fixIts: fix ? [FixIt("read it from `\(variable)`", replacing: range, with: replacement)] : []))
    }
}
