/// Structural edits that keep a plan's indices consistent.
extension Plan {
    /// Removes the agents at `indices`, renumbering every index that points past them.
    ///
    /// Dependencies on a removed agent are dropped: callers first rewire whatever must
    /// keep waiting (see ``ConstantFolding`` and ``InvocationMerging``).
    mutating func removeAgents(at indices: Set<Int>) {
        guard !indices.isEmpty else { return }
        var newIndex: [Int?] = []
        var next = 0
        for index in agents.indices {
            if indices.contains(index) {
                newIndex.append(nil)
            } else {
                newIndex.append(next)
                next += 1
            }
        }
        agents = agents.enumerated().compactMap { index, agent in
            guard newIndex[index] != nil else { return nil }
            var kept = agent
            kept.dependencies = agent.dependencies.compactMap { newIndex[$0] }
            return kept
        }
        specializations = specializations.map { specialization in
            PlanSpecialization(
                eventType: specialization.eventType,
                agents: specialization.agents.compactMap { newIndex[$0] },
                guards: Dictionary(uniqueKeysWithValues: specialization.guards.compactMap { key, value in newIndex[key].map { ($0, value) } }),
                rewiredDependencies: Dictionary(
                    uniqueKeysWithValues: specialization.rewiredDependencies.compactMap { key, value in
                        newIndex[key].map { ($0, value.compactMap { newIndex[$0] }) }
                    }))
        }
    }

    /// Reorders agents so each comes after everything it depends on, moving as few as possible.
    ///
    /// Among agents that are ready at once, the one earliest in the current order goes
    /// first, so an already-sorted plan is left untouched.
    mutating func restoreTopologicalOrder() {
        let count = agents.count
        var remaining = agents.map { Set($0.dependencies).count }
        var dependents = [[Int]](repeating: [], count: count)
        for (index, agent) in agents.enumerated() {
            for dependency in Set(agent.dependencies) { dependents[dependency].append(index) }
        }
        var ready = Set(agents.indices.filter { remaining[$0] == 0 })
        var order: [Int] = []
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for dependent in dependents[next] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { ready.insert(dependent) }
            }
        }
        precondition(order.count == count, "the plan's dependencies form a cycle")
        guard order != Array(agents.indices) else { return }
        var newIndex = [Int](repeating: 0, count: count)
        for (position, old) in order.enumerated() { newIndex[old] = position }
        agents = order.map { old in
            var agent = agents[old]
            agent.dependencies = agent.dependencies.map { newIndex[$0] }.sorted()
            return agent
        }
        specializations = specializations.map { specialization in
            PlanSpecialization(
                eventType: specialization.eventType,
                agents: specialization.agents.map { newIndex[$0] }.sorted(),
                guards: Dictionary(uniqueKeysWithValues: specialization.guards.map { (newIndex[$0.key], $0.value) }),
                rewiredDependencies: Dictionary(
                    uniqueKeysWithValues: specialization.rewiredDependencies.map { (newIndex[$0.key], $0.value.map { newIndex[$0] }.sorted()) }))
        }
    }

    /// For each agent, the agents that wait for it.
    var dependents: [[Int]] {
        var result = [[Int]](repeating: [], count: agents.count)
        for (index, agent) in agents.enumerated() {
            for dependency in agent.dependencies { result[dependency].append(index) }
        }
        return result
    }

    /// For each agent, every agent it waits for directly or through others, as a bit set.
    ///
    /// Relies on agents being in topological order.
    var ancestors: [AgentSet] {
        var result: [AgentSet] = []
        result.reserveCapacity(agents.count)
        for agent in agents {
            var set = AgentSet(capacity: agents.count)
            for dependency in agent.dependencies {
                set.insert(dependency)
                set.formUnion(result[dependency])
            }
            result.append(set)
        }
        return result
    }
}
