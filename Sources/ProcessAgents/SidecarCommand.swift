import Foundation
import Planner

/// The command line a `process` or `local_llm` agent's child runs.
///
/// In order: an override given on the command line (`enrich run --process-command
/// NAME=COMMAND`), the agent's own `command:`, and for `local_llm` the bundled model
/// server, `python3 DIR/hf_sentiment.py --model MODEL`, where DIR is `--sidecar-dir`,
/// else `$ENRICH_SIDECARS`, else `samples/sidecars` under the base directory.
public enum SidecarCommand {
    public static let environmentVariable = "ENRICH_SIDECARS"
    public static let modelServer = "hf_sentiment.py"

    static func command(for agent: PlanAgent, options: ProcessAgentProvider.Options, environment: [String: String]) throws(ProcessAgentError) -> [String] {
        if let override = options.commandOverrides[agent.name] {
            guard !override.isEmpty else { throw ProcessAgentError(agent: agent.name, "the command given for it on the command line is empty") }
            return override
        }
        if let command = agent.command, !command.isEmpty { return command }
        guard agent.kind == "local_llm" else {
            throw ProcessAgentError(agent: agent.name, "a `\(agent.kind)` agent needs `command:`, e.g. `command: [python3, sidecar.py]`")
        }
        guard let model = agent.settings["model"] else {
            throw ProcessAgentError(agent: agent.name, "a `local_llm` agent needs `model:` (a local model directory or a cached HuggingFace id)")
        }
        let base = URL(fileURLWithPath: options.baseDirectory, isDirectory: true)
        let directory: URL
        if let given = options.sidecarDirectory {
            directory = URL(fileURLWithPath: given, isDirectory: true)
        } else if let given = environment[environmentVariable], !given.isEmpty {
            directory = URL(fileURLWithPath: given, isDirectory: true)
        } else {
            directory = base.appendingPathComponent("samples/sidecars", isDirectory: true)
        }
        let script = directory.appendingPathComponent(modelServer).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw ProcessAgentError(
                agent: agent.name,
                "it has no `command:` and the bundled model server \(script) is not there; "
                    + "point --sidecar-dir or \(environmentVariable) at the directory holding \(modelServer), or give the agent a `command:`")
        }
        return ["python3", script, "--model", model]
    }
}
