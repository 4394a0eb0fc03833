import Diagnostics
import EventJSON

/// A Swift function a `type: function` agent calls: the agent's evaluated inputs in, a
/// JSON object out (the agent's `output:` paths select from it).
public typealias AgentFunction = @Sendable (JSONObject) throws(AgentFailure) -> JSONValue

/// The Swift functions `function` agents may call, by name.
///
/// A value type: register everything during setup (`var registry = FunctionRegistry.builtIn;
/// try registry.register(...)`), then hand the registry to ``InProcessAgentFactory``. A
/// registry passed on is a copy nobody can change, so reading it from several threads
/// needs no lock.
public struct FunctionRegistry: Sendable {
    private var functions: [String: AgentFunction] = [:]

    /// An empty registry.
    public init() {}

    /// A registry holding the built-in example functions (``BuiltInFunctions``).
    public static var builtIn: FunctionRegistry {
        var registry = FunctionRegistry()
        for (name, function) in BuiltInFunctions.all {
            registry.functions[name] = function
        }
        return registry
    }

    /// Adds `function` under `name`. Names are identifiers (`[a-z_][a-z0-9_]*`, as agent
    /// names); a name registered twice is an error, so one function cannot silently
    /// replace another.
    public mutating func register(_ name: String, _ function: @escaping AgentFunction) throws(AgentLoadError) {
        guard Self.isIdentifier(name) else {
            throw AgentLoadError("cannot register function `\(name)`: names are identifiers ([a-z_][a-z0-9_]*)")
        }
        guard functions[name] == nil else {
            throw AgentLoadError("function `\(name)` is already registered")
        }
        functions[name] = function
    }

    /// Registered names, sorted.
    public var names: [String] { functions.keys.sorted() }

    /// The function registered as `name`, if any.
    public func function(named name: String) -> AgentFunction? { functions[name] }

    /// The function registered as `name`; otherwise an error listing the registered names,
    /// with a "did you mean" when one is a likely typo.
    public func resolve(_ name: String) throws(AgentLoadError) -> AgentFunction {
        if let function = functions[name] { return function }
        let names = self.names
        var message = "no function named `\(name)` is registered"
        message += names.isEmpty ? " (none are)" : "; registered: " + names.map { "`\($0)`" }.joined(separator: ", ")
        if let guess = DidYouMean.suggestion(for: name, among: names) { message += "\nhelp: did you mean `\(guess)`?" }
        throw AgentLoadError(message)
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }
}

/// `type: function`: calls a registered Swift function.
public struct FunctionAgent: InProcessAgent {
    public let functionName: String
    private let function: AgentFunction

    public init(name: String, function: @escaping AgentFunction) {
        self.functionName = name
        self.function = function
    }

    public func call(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {
        try function(inputs)
    }
}
