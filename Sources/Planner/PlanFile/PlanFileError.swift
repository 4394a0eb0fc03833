/// Why a plan file could not be read, worded for the person who has to fix it.
public enum PlanFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON, or cut short; the detail says where the text stops making sense.
    case corrupt(String)
    /// JSON, but not a plan: `format` is missing or names something else.
    case notAPlan(format: String?)
    /// Written by a newer enrich whose plan format this one cannot read.
    case newerVersion(found: Int, supported: Int)
    /// A field the format requires is absent; the path names it, e.g. `plan.agents[2].kind`.
    case missingField(path: String)
    /// A field holds the wrong kind of value.
    case invalidValue(path: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .corrupt(let detail):
            "plan file is truncated or corrupt: \(detail)"
        case .notAPlan(let format?):
            "not an enrich plan file: its format is `\(format)`, expected `\(Plan.formatName)`"
        case .notAPlan(nil):
            "not an enrich plan file: it has no `format` field (expected `\"format\": \"\(Plan.formatName)\"`)"
        case .newerVersion(let found, let supported):
            "written by a newer enrich: plan format \(found), this enrich reads format \(supported); recompile the pipeline or upgrade enrich"
        case .missingField(let path):
            "plan file is missing `\(path)`"
        case .invalidValue(let path, let expected, let found):
            "plan file has \(found) at `\(path)`, expected \(expected)"
        }
    }
}
