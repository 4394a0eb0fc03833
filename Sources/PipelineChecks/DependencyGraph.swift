import Diagnostics
import PipelineSyntax

/// Topological order of the agents and the cycles that prevent one (E030).
struct DependencyGraph {
    let dependencies: [[Int]]
    let dependents: [[Int]]
    /// Dependency-respecting order, or nil if some agents are on or behind a cycle.
    private(set) var order: [Int]?
    /// Agents on a cycle or depending on one; they are checked last with loose types.
    private(set) var unordered: [Int] = []

    init(agentCount: Int, edges: DependencyEdges) {
        var dependencies = [[Int]](repeating: [], count: agentCount)
        var dependents = [[Int]](repeating: [], count: agentCount)
        for index in 0..<agentCount {
            dependencies[index] = edges.references[index].keys.sorted()
            for target in dependencies[index] { dependents[target].append(index) }
        }
        self.dependencies = dependencies
        self.dependents = dependents
        // Kahn's algorithm with a FIFO seeded in file order: deterministic.
        var remaining = dependencies.map(\.count)
        var queue = (0..<agentCount).filter { remaining[$0] == 0 }
        var head = 0
        while head < queue.count {
            let next = queue[head]
            head += 1
            for dependent in dependents[next] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { queue.append(dependent) }
            }
        }
        if queue.count == agentCount {
            order = queue
        } else {
            let placed = Set(queue)
            unordered = (0..<agentCount).filter { !placed.contains($0) }
            order = nil
        }
        partialOrder = queue
    }

    /// The agents that could be ordered (all of them when there is no cycle).
    private(set) var partialOrder: [Int]

    /// Reports each cycle once, with its whole path, starting at its first agent in the file.
    func reportCycles(agents: [AgentDecl], edges: DependencyEdges, diagnostics: inout DiagnosticCollector) {
        guard order == nil else { return }
        for component in StronglyConnectedComponents.find(in: dependencies) {
            let isCycle = component.count > 1 || dependencies[component[0]].contains(component[0])
            guard isCycle else { continue }
            let members = Set(component)
            let start = component.min()!
            let path = cyclePath(from: start, within: members)
            let names = (path + [start]).map { "`\(agents[$0].name.value)`" }
            var notes: [DiagnosticNote] = []
            for (position, from) in path.enumerated() where path.count > 1 {
                let to = position + 1 < path.count ? path[position + 1] : start
                notes.append(DiagnosticNote("`\(agents[from].name.value)` depends on `\(agents[to].name.value)` here", at: edges.references[from][to]))
            }
            let message = path.count == 1
                ? "agent `\(agents[start].name.value)` depends on itself"
                : "dependency cycle: \(names.joined(separator: " → "))"
            let next = path.count > 1 ? path[1] : start
            diagnostics.emit(Diagnostic(
                .dependencyCycle, message,
                at: edges.references[start][next] ?? agents[start].name.range,
                notes: notes,
                help: ["an agent cannot wait for its own result; break the cycle by removing one of these references (for an agent's own inputs use `input.<name>`)"]))
        }
    }

    /// A simple cycle through `start` using only edges inside the component.
    private func cyclePath(from start: Int, within members: Set<Int>) -> [Int] {
        // Breadth-first search gives the shortest cycle back to `start`.
        var previous: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for next in dependencies[node] where members.contains(next) {
                if next == start {
                    var path = [node]
                    while let back = previous[path[0]] { path.insert(back, at: 0) }
                    return path
                }
                if previous[next] == nil, next != start {
                    previous[next] = node
                    queue.append(next)
                }
            }
        }
        return [start]
    }
}

/// Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
enum StronglyConnectedComponents {
    static func find(in edges: [[Int]]) -> [[Int]] {
        let count = edges.count
        var index = [Int](repeating: -1, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var components: [[Int]] = []
        var counter = 0
        for root in 0..<count where index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter
            lowLink[root] = counter
            counter += 1
            stack.append(root)
            onStack[root] = true
            while var frame = work.popLast() {
                if frame.edge < edges[frame.node].count {
                    let next = edges[frame.node][frame.edge]
                    frame.edge += 1
                    work.append(frame)
                    if index[next] < 0 {
                        index[next] = counter
                        lowLink[next] = counter
                        counter += 1
                        stack.append(next)
                        onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        lowLink[frame.node] = min(lowLink[frame.node], index[next])
                    }
                    continue
                }
                if let parent = work.last {
                    lowLink[parent.node] = min(lowLink[parent.node], lowLink[frame.node])
                }
                if lowLink[frame.node] == index[frame.node] {
                    var component: [Int] = []
                    while let top = stack.popLast() {
                        onStack[top] = false
                        component.append(top)
                        if top == frame.node { break }
                    }
                    components.append(component.sorted())
                }
            }
        }
        return components.sorted { $0[0] < $1[0] }
    }
}
