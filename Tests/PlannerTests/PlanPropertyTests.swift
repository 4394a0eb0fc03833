import PropertyBased
import Testing

@testable import Planner

@Suite("plan properties over random DAGs")
struct PlanPropertyTests {
    /// Plan position of every source agent, following merges to the survivor.
    private func positions(_ plan: Plan) -> [String: Int] {
        var result: [String: Int] = [:]
        for (index, agent) in plan.agents.enumerated() {
            result[agent.name] = index
            for merged in agent.mergedFrom { result[merged] = index }
        }
        return result
    }

    /// Each node's set of ancestors, by fixed-point iteration (no reliance on order).
    private func closure(_ dependencies: [Set<Int>]) -> [Set<Int>] {
        var reach = dependencies
        var changed = true
        while changed {
            changed = false
            for node in reach.indices {
                var next = reach[node]
                for dependency in reach[node] { next.formUnion(reach[dependency]) }
                if next != reach[node] {
                    reach[node] = next
                    changed = true
                }
            }
        }
        return reach
    }

    @Test func planOrderRespectsEverySourceDependency() async throws {
        await propertyCheck(count: 40, input: RandomPipeline.generator(agents: 1...200)) { pipeline in
            let plan = try PlannerFixture.compiled(pipeline.yaml)
            let position = positions(plan)
            #expect(position.count == pipeline.agents.count)
            for (index, dependencies) in pipeline.dependencies.enumerated() {
                for dependency in dependencies {
                    let from = try #require(position[RandomPipeline.name(dependency)])
                    let to = try #require(position[RandomPipeline.name(index)])
                    #expect(from < to, "\(RandomPipeline.name(dependency)) must come before \(RandomPipeline.name(index))")
                }
            }
            for (index, agent) in plan.agents.enumerated() {
                #expect(agent.dependencies.allSatisfy { $0 < index })
            }
        }
    }

    @Test func transitiveReductionKeepsReachabilityExactlyAndIsMinimal() async throws {
        await propertyCheck(count: 40, input: RandomPipeline.generator(agents: 1...200)) { pipeline in
            let plan = try PlannerFixture.compiled(pipeline.yaml)
            // The generated pipelines never merge or drop agents, so names map one to one.
            let position = positions(plan)
            let planOf = { (source: Int) in position[RandomPipeline.name(source)] ?? -1 }
            let expected = closure(pipeline.dependencies).map { Set($0.map(planOf)) }
            let planDependencies = plan.agents.map { Set($0.dependencies) }
            let actual = closure(planDependencies)
            for source in pipeline.agents.indices {
                #expect(actual[planOf(source)] == expected[source], "reachability of \(RandomPipeline.name(source)) changed")
            }
            // Minimal: no kept edge is implied by another path.
            for (node, dependencies) in planDependencies.enumerated() {
                for dependency in dependencies {
                    let implied = dependencies.contains { $0 != dependency && actual[$0].contains(dependency) }
                    #expect(!implied, "edge \(plan.agents[dependency].name) → \(plan.agents[node].name) is redundant")
                }
            }
        }
    }

    @Test func criticalPathMatchesExhaustiveSearchOnSmallGraphs() async throws {
        await propertyCheck(count: 100, input: RandomPipeline.generator(agents: 1...14)) { pipeline in
            let plan = try PlannerFixture.compiled(pipeline.yaml)
            var dependents = [[Int]](repeating: [], count: pipeline.agents.count)
            for (node, dependencies) in pipeline.dependencies.enumerated() {
                for dependency in dependencies { dependents[dependency].append(node) }
            }
            // Every path from every start, summed: exponential, fine for 14 agents.
            func longest(from node: Int) -> Int64 {
                pipeline.cost(node) + (dependents[node].map(longest).max() ?? 0)
            }
            let expected = pipeline.agents.indices.map(longest).max() ?? 0
            #expect(plan.criticalPath.totalMicroseconds == expected)
            let chainCost = plan.criticalPath.agents.compactMap { name in plan.agents.first { $0.name == name }?.timing.worstCaseMicroseconds }
            #expect(chainCost.reduce(0, +) == expected)
        }
    }

    @Test func criticalPathMatchesRepeatedRelaxationOnLargeGraphs() async throws {
        await propertyCheck(count: 30, input: RandomPipeline.generator(agents: 15...200)) { pipeline in
            let plan = try PlannerFixture.compiled(pipeline.yaml)
            let dependencies = pipeline.dependencies
            // Bellman-Ford style: relax every edge until nothing improves.
            var finish = pipeline.agents.indices.map(pipeline.cost)
            var changed = true
            while changed {
                changed = false
                for (node, incoming) in dependencies.enumerated() {
                    for dependency in incoming where finish[dependency] + pipeline.cost(node) > finish[node] {
                        finish[node] = finish[dependency] + pipeline.cost(node)
                        changed = true
                    }
                }
            }
            #expect(plan.criticalPath.totalMicroseconds == (finish.max() ?? 0))
        }
    }

    @Test func slackIsNeverNegativeWithoutDeadlineAndZeroOnTheCriticalPath() async throws {
        await propertyCheck(count: 30, input: RandomPipeline.generator(agents: 1...60)) { pipeline in
            let plan = try PlannerFixture.compiled(pipeline.yaml)
            for agent in plan.agents {
                #expect(agent.timing.slackMicroseconds >= 0)
                if agent.timing.critical { #expect(agent.timing.slackMicroseconds == 0) }
                #expect(agent.timing.earliestStartMicroseconds + agent.timing.worstCaseMicroseconds <= plan.criticalPath.totalMicroseconds)
            }
        }
    }

    @Test func compilingIsDeterministic() async throws {
        await propertyCheck(count: 20, input: RandomPipeline.generator(agents: 1...80)) { pipeline in
            let first = PlanFile.encode(try PlannerFixture.compiled(pipeline.yaml))
            let second = PlanFile.encode(try PlannerFixture.compiled(pipeline.yaml))
            #expect(first == second)
            #expect(try PlanFile.decode(first) == PlannerFixture.compiled(pipeline.yaml))
        }
    }
}
