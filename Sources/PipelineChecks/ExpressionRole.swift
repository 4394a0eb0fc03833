/// Which expression of a pipeline is being checked, for the words of its diagnostics.
///
/// Kept as data and spelled out only when a diagnostic needs it: building the phrase
/// for every expression of a 10,000-agent file would cost more than checking them.
enum ExpressionRole {
    case expression
    case input(String, agent: String)
    case when
    case url(agent: String)
    case header(String)
    case cacheKey(agent: String)
    case output(String, agent: String)
    case dedupKey

    var description: String {
        switch self {
        case .expression: "this expression"
        case .input(let name, let agent): "input `\(name)` of `\(agent)`"
        case .when: "the `when` guard"
        case .url(let agent): "the URL of `\(agent)`"
        case .header(let name): "header `\(name)`"
        case .cacheKey(let agent): "the cache key of `\(agent)`"
        case .output(let name, let agent): "output `\(name)` of `\(agent)`"
        case .dedupKey: "`dedup.key`"
        }
    }
}
