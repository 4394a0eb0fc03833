import Planner

/// Checks the Swift functions `function` agents call against the agents' declarations.
///
/// A function takes either all inputs, `(_ inputs: JSONObject)`, or one labelled
/// parameter per `input:` name typed `JSONValue` (`JSONValue?` for one that may be
/// null); it returns `JSONValue` and throws nothing or `throws(AgentFailure)`:
///
///     func loyalty_points(amount_usd: JSONValue, customer_id: JSONValue?) throws(AgentFailure) -> JSONValue
///
/// Problems come back as data naming both places; the caller renders them.
public enum FunctionSignatureCheck {
    /// What is wrong with one agent's function.
    public struct Mismatch: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// No file defines the function.
            case missing(directory: String)
            /// A YAML input with no parameter of that label.
            case inputWithoutParameter(input: String)
            /// A parameter whose label is not one of the YAML inputs.
            case parameterWithoutInput(label: String)
            /// A parameter, return or throws clause of the wrong type.
            case wrongShape(String)
        }

        public var agent: String
        public var function: String
        public var kind: Kind
        /// The Swift declaration, when there is one.
        public var declaration: SwiftFunctionDeclaration?

        public var message: String {
            let at = declaration.map { " (\($0.location))" } ?? ""
            switch kind {
            case .missing(let directory):
                return "agent `\(agent)` calls Swift function `\(function)`, which no file in \(directory) defines"
            case .inputWithoutParameter(let input):
                return "agent `\(agent)` passes input `\(input)`, but `\(function)`\(at) has no parameter labelled `\(input)`"
            case .parameterWithoutInput(let label):
                return "`\(function)`\(at) takes `\(label):`, which agent `\(agent)` does not declare as an input"
            case .wrongShape(let problem):
                return "`\(function)`\(at) \(problem)"
            }
        }
    }

    /// A function agent's call into its Swift function, once it checked.
    public struct Binding: Sendable, Equatable {
        public var function: String
        /// Labels to pass each input under, in the declaration's order; nil for `(_ inputs: JSONObject)`.
        public var parameters: [(label: String, optional: Bool)]?

        public init(function: String, parameters: [(label: String, optional: Bool)]?) {
            self.function = function
            self.parameters = parameters
        }

        public static func == (a: Binding, b: Binding) -> Bool {
            a.function == b.function && a.parameters?.map(\.label) == b.parameters?.map(\.label)
                && a.parameters?.map(\.optional) == b.parameters?.map(\.optional)
        }
    }

    /// The bindings of every `function` agent of `plan`, or the mismatches.
    public static func check(_ plan: Plan, declarations: [SwiftFunctionDeclaration], directory: String) -> Result<[Binding], MismatchList> {
        var bindings: [Binding] = []
        var mismatches: [Mismatch] = []
        var seen = Set<String>()
        for agent in plan.agents where agent.kind == "function" {
            let name = agent.settings["function"] ?? agent.name
            func report(_ kind: Mismatch.Kind, _ declaration: SwiftFunctionDeclaration?) {
                mismatches.append(Mismatch(agent: agent.name, function: name, kind: kind, declaration: declaration))
            }
            guard let declaration = declarations.first(where: { $0.name == name }) else {
                report(.missing(directory: directory), nil)
                continue
            }
            var problems = 0
            if declaration.returnType != "JSONValue" {
                report(.wrongShape("returns `\(declaration.returnType ?? "nothing")`; a function agent's function returns `JSONValue`"), declaration)
                problems += 1
            }
            if declaration.isAsync {
                report(.wrongShape("is `async`; function agents are called inline and cannot wait (use an `http` or `process` agent)"), declaration)
                problems += 1
            }
            if let clause = declaration.throwsClause, clause != "throws(AgentFailure)" {
                report(.wrongShape("is declared `\(clause)`; it may throw only `AgentFailure`: `throws(AgentFailure)`"), declaration)
                problems += 1
            }
            let inputs = agent.inputs.map(\.name)
            var parameters: [(label: String, optional: Bool)]?
            if declaration.parameters.count == 1, declaration.parameters[0].label == nil {
                if declaration.parameters[0].type != "JSONObject" {
                    report(.wrongShape("takes `_: \(declaration.parameters[0].type)`; the whole inputs come as `_ inputs: JSONObject`"), declaration)
                    problems += 1
                }
            } else {
                var labelled: [(label: String, optional: Bool)] = []
                for parameter in declaration.parameters {
                    guard let label = parameter.label else {
                        report(.wrongShape("has an unlabelled parameter; label each with the input it receives"), declaration)
                        problems += 1
                        continue
                    }
                    if !inputs.contains(label) {
                        report(.parameterWithoutInput(label: label), declaration)
                        problems += 1
                    }
                    if parameter.type != "JSONValue" && parameter.type != "JSONValue?" {
                        report(.wrongShape("takes `\(label): \(parameter.type)`; inputs come as `JSONValue` (or `JSONValue?`)"), declaration)
                        problems += 1
                    }
                    labelled.append((label, parameter.type.hasSuffix("?")))
                }
                for input in inputs where !labelled.contains(where: { $0.label == input }) {
                    report(.inputWithoutParameter(input: input), declaration)
                    problems += 1
                }
                parameters = labelled
            }
            if problems == 0, seen.insert(name).inserted { bindings.append(Binding(function: name, parameters: parameters)) }
        }
        return mismatches.isEmpty ? .success(bindings) : .failure(MismatchList(mismatches: mismatches))
    }

    public struct MismatchList: Error, Sendable {
        public var mismatches: [Mismatch]
    }
}
