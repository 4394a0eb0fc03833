import Foundation
import Planner

/// The Swift names a plan's pieces get in generated code, chosen once so every file agrees.
struct EmittedNames {
    struct Agent {
        /// Property in `Agents` and `Values` (`crmLookup`).
        var property: String
        /// The same, capitalised, for function and type names (`CrmLookup`).
        var upper: String
        var outputsType: String
        /// Field per output, in `output:` order.
        var outputFields: [String]
    }

    /// `martech_local` → `MartechLocalPipeline`.
    let typeName: String
    /// The executable target (module) name, `MartechLocal`.
    let targetName: String
    /// The executable and package name, `martech-local`.
    let productName: String
    let agents: [Agent]
    /// How expressions spell agent outputs.
    let expressionScope: ExpressionTranslation.Scope

    init(plan: Plan) {
        let base = SwiftSyntax.camelCase(plan.pipeline, upper: true)
        targetName = base
        typeName = base + "Pipeline"
        productName = plan.pipeline.replacingOccurrences(of: "_", with: "-")
        var properties = NameAllocator(reserved: ["run"])
        agents = plan.agents.map { agent in
            let property = properties.allocate(SwiftSyntax.camelCase(agent.name))
            let upper = property.prefix(1).uppercased() + property.dropFirst()
            var fields = NameAllocator()
            return Agent(
                property: property, upper: upper, outputsType: upper + "Outputs",
                outputFields: agent.outputs.map { fields.allocate(SwiftSyntax.camelCase($0.name)) })
        }
        var scope = ExpressionTranslation.Scope(agents: [:])
        for (agent, names) in zip(plan.agents, agents) {
            scope.agents[agent.name] = (names.property, Dictionary(uniqueKeysWithValues: zip(agent.outputs.map(\.name), names.outputFields)))
        }
        expressionScope = scope
    }
}
