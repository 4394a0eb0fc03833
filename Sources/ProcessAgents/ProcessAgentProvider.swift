import EventJSON
import Planner
import Runtime

/// Sets up the `process` and `local_llm` agents of a plan: one child per agent.
///
/// Build it, ``start()`` it (every child is spawned and must write its ready line
/// before the run begins), hand ``makeCall(for:)`` to the runtime, and ``shutdown()``
/// once the run is over (also after a failed start).
public final class ProcessAgentProvider: Sendable {
    /// Where children run and how `local_llm` agents find the bundled model server.
    public struct Options: Sendable {
        /// The directory relative paths in the pipeline resolve against; children run in it.
        public var baseDirectory: String
        /// Where the bundled sidecars live (`hf_sentiment.py`); see ``SidecarCommand``.
        public var sidecarDirectory: String?
        /// Commands that replace an agent's own, by agent name (`--process-command`).
        public var commandOverrides: [String: [String]] = [:]

        public init(baseDirectory: String, sidecarDirectory: String? = nil) {
            self.baseDirectory = baseDirectory
            self.sidecarDirectory = sidecarDirectory
        }
    }

    private let agents: [String: ProcessAgent]

    /// Resolves every process agent's command and `env:` (`{env.NAME}` read from
    /// `environment`); throws if one has no command or names an unset variable.
    public init(plan: Plan, options: Options, environment: [String: String]) throws(ProcessAgentError) {
        var agents: [String: ProcessAgent] = [:]
        for agent in plan.agents where Self.handles(kind: agent.kind) {
            var settings = ProcessAgentSettings(
                name: agent.name,
                command: try SidecarCommand.command(for: agent, options: options, environment: environment))
            for (name, template) in agent.environment ?? [:] {
                do throws(EnvironmentTemplateError) {
                    settings.environment[name] = try EnvironmentTemplate.resolve(template, environment: environment)
                } catch {
                    throw ProcessAgentError(agent: agent.name, "env \(name): \(error.message)")
                }
            }
            if agent.kind == "local_llm", let model = agent.settings["model"] { settings.environment["ENRICH_MODEL"] = model }
            settings.workingDirectory = options.baseDirectory
            settings.maxInFlight = max(agent.concurrency * 4, 64)
            agents[agent.name] = ProcessAgent(settings: settings)
        }
        self.agents = agents
    }

    /// Whether agents of `kind` run as a child process.
    public static func handles(kind: String) -> Bool { kind == "process" || kind == "local_llm" }

    /// Starts every child at once and waits until all are ready; the first failure is thrown.
    public func start() async throws(ProcessAgentError) {
        let failures = await withTaskGroup(of: ProcessAgentError?.self) { group in
            for agent in agents.values {
                group.addTask {
                    do throws(ProcessAgentError) {
                        try await agent.start()
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            var failures: [ProcessAgentError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let first = failures.min(by: { $0.agent < $1.agent }) { throw first }
    }

    /// The call for a process agent, or nil if `agent` is not one.
    public func makeCall(for agent: PlanAgent) -> AgentCall? {
        guard let processAgent = agents[agent.name] else { return nil }
        return .awaited { request async throws(AgentCallFailure) in try await processAgent.call(request.inputs) }
    }

    /// Stops every child (standard input closed, then SIGTERM, then SIGKILL) and reaps it.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for agent in agents.values { group.addTask { await agent.shutdown() } }
        }
    }
}
