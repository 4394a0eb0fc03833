/// An `env:` value of a process agent, with `{env.NAME}` replaced by enrich's own variable.
///
/// Plans keep the template, so a secret passed this way is read at start and never
/// stored. `{{` and `}}` are literal braces; any other `{...}` is an error, since a child
/// is started once, before any event.
enum EnvironmentTemplate {
    static func resolve(_ template: String, environment: [String: String]) throws(EnvironmentTemplateError) -> String {
        var result = ""
        var rest = Substring(template)
        while let brace = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            result += rest[..<brace]
            let after = rest.index(after: brace)
            if after < rest.endIndex, rest[after] == rest[brace] {
                result.append(rest[brace])
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard rest[brace] == "{", let close = rest[after...].firstIndex(of: "}") else {
                throw EnvironmentTemplateError("unbalanced `\(rest[brace])` in `\(template)` (write `{{` or `}}` for a literal brace)")
            }
            let reference = rest[after..<close].trimmingSpaces
            guard reference.hasPrefix("env."), case let name = String(reference.dropFirst(4)), !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                throw EnvironmentTemplateError("`{\(reference)}` in `\(template)`: only `{env.NAME}` can be used in `env:` values")
            }
            guard let value = environment[name] else {
                throw EnvironmentTemplateError("the environment variable \(name) (`{env.\(name)}` in `env:`) is not set")
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

struct EnvironmentTemplateError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
