import Agents
import ArgumentParser
import Foundation
import Planner
import Runtime

/// The `main` of a generated pipeline binary: `enrich run`'s options and behaviour, with
/// the generated code in place of the interpreter.
public enum CompiledPipelineMain {
    /// Parses the command line, runs, and exits with `enrich run`'s exit codes.
    public static func main<Pipeline: CompiledPipeline>(_ pipeline: Pipeline.Type, arguments: [String]? = nil) async -> Never {
        let toolName = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "pipeline"
        do {
            let options = try RunOptions.parse(arguments ?? Array(CommandLine.arguments.dropFirst()))
            let plan: Plan
            do {
                plan = try PlanFile.decode(Array(Pipeline.planText.utf8))
            } catch {
                FileHandle.standardError.write(Data("\(toolName): error: the embedded plan cannot be read: \(error)\n".utf8))
                exit(2)
            }
            var functions = FunctionRegistry()
            let own = Set(Pipeline.functions.map(\.name))
            for (name, function) in BuiltInFunctions.all where !own.contains(name) { try functions.register(name, function) }
            for (name, function) in Pipeline.functions { try functions.register(name, function) }
            try await RunDriver.run(plan: plan, options: options, toolName: toolName, functions: functions) { Pipeline($0) }
            exit(0)
        } catch {
            let code = RunOptions.exitCode(for: error)
            if code == .success {
                print(usage(toolName: toolName, plan: Pipeline.planText) + RunOptions.fullMessage(for: error))
                exit(0)
            }
            if error is ExitCode { exit(code.rawValue) }
            FileHandle.standardError.write(Data((RunOptions.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
    }

    private static func usage(toolName: String, plan: String) -> String {
        let pipeline = (try? PlanFile.decode(Array(plan.utf8))).map { "`\($0.pipeline)` (from \($0.source.path))" } ?? "a pipeline"
        return """
            \(toolName): enriches JSON Lines events with \(pipeline), compiled to Swift by enrich.
            Takes the options of `enrich run` (exit status 0, 2 usage or set-up error, 130/143 stopped by a signal).

            """
    }
}
