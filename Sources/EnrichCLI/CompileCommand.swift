import ArgumentParser
import Foundation
import Planner
import SwiftEmitter

/// `enrich compile FILE -o PLAN`: lints, optimises and writes a plan file.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a pipeline into an optimised, versioned plan file.",
        discussion: """
            Lints FILE first; if it has errors, prints them as `enrich lint` does and \
            writes nothing. Otherwise plans it: infers dependency edges, folds constants, \
            removes agents nobody observes, merges identical calls, drops redundant edges, \
            works out each agent's worst case, earliest and latest start and slack against \
            the deadline, assigns display stages, and pre-resolves the DAG for each event \
            type the guards distinguish. The plan is written to PLAN as JSON with sorted \
            keys: the same FILE always gives byte-identical plans. Plans record the source \
            path, its SHA-256 and this compiler's version, and hold `env.X` references by \
            name only, never their values.

            With `--emit swift`, OUTPUT is a directory that receives a Swift package instead: \
            a Package.swift depending on enrich's runtime library (this checkout by path, or \
            --runtime-url and --runtime-version), and sources where the plan is straight-line \
            Swift (each agent a direct call, independent I/O agents concurrent, expressions \
            as code). `swift build -c release` in it makes a binary that takes the options of \
            `enrich run` and behaves the same, without interpreting the plan.

            Warnings are printed to standard error and do not stop compilation.

            EXIT STATUS
              0  plan written
              1  FILE has errors (nothing written)
              2  usage error, FILE unreadable, or PLAN could not be written

            EXAMPLES
              enrich compile samples/martech.yaml -o martech.plan.json
              enrich compile samples/martech.yaml -o martech.plan.json --explain
              enrich compile pipeline.yaml -o - | jq '.plan.criticalPath'
              enrich compile samples/martech-local.yaml --emit swift -o martech-swift
              (cd martech-swift && swift build -c release) && martech-swift/.build/release/martech-local --input events.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file to compile (`-` reads standard input).", valueName: "file"))
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the plan (`-` writes it to standard output), or the package directory with --emit swift.", valueName: "plan|dir"))
    var output: String

    @Option(help: "What to write: `plan` (a plan file) or `swift` (a Swift package for a specialized binary).")
    var emit: EmitKind = .plan

    @Option(help: ArgumentHelp("With --emit swift: the enrich checkout the package depends on (default: the one this enrich was built from).", valueName: "dir"))
    var runtimePath: String?

    @Option(help: ArgumentHelp("With --emit swift: depend on enrich by URL instead of by path (needs --runtime-version).", valueName: "url"))
    var runtimeURL: String?

    @Option(help: ArgumentHelp("With --runtime-url: the exact version to depend on.", valueName: "x.y.z"))
    var runtimeVersion: String?

    @Option(help: ArgumentHelp("With --emit swift: Swift files defining the functions `function` agents call, compiled into the binary (signatures: `enrich explain E040`).", valueName: "dir"))
    var functions: String?

    enum EmitKind: String, ExpressibleByArgument, CaseIterable { case plan, swift }

    @Flag(help: "Print the stages, the critical path, each agent's timing and what every pass changed.")
    var explain = false

    func validate() throws {
        if output == "-", explain { throw ValidationError("--explain prints to standard output; write the plan to a file with -o PLAN") }
        if emit == .swift, output == "-" { throw ValidationError("--emit swift writes a package: give a directory with -o DIR") }
        if emit == .plan, runtimePath != nil || runtimeURL != nil || runtimeVersion != nil {
            throw ValidationError("--runtime-path, --runtime-url and --runtime-version go with --emit swift")
        }
        if functions != nil, emit != .swift { throw ValidationError("--functions goes with --emit swift") }
        if functions != nil, file == "-" { throw ValidationError("--functions needs the pipeline as a file, not standard input") }
        if (runtimeURL == nil) != (runtimeVersion == nil) { throw ValidationError("--runtime-url and --runtime-version go together") }
        if runtimeURL != nil, runtimePath != nil { throw ValidationError("give --runtime-path or --runtime-url, not both") }
    }

    func run() throws {
        let plan = try PipelineCompilation.compile(path: file)
        if emit == .swift {
            try writePackage(plan)
            if explain { print(PlanExplanation.render(plan), terminator: "") }
            return
        }
        let bytes = PlanFile.encode(plan)
        if output == "-" {
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw PipelineCompilation.fail("cannot write \(output): \(error.localizedDescription)")
            }
        }
        if explain { print(PlanExplanation.render(plan), terminator: "") }
    }

    /// The enrich checkout this binary was built from (its runtime library is what generated packages need).
    static let checkoutDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    private func writePackage(_ plan: Plan) throws {
        let runtime: SwiftPackageEmitter.RuntimeDependency
        if let runtimeURL, let runtimeVersion {
            runtime = .url(runtimeURL, version: runtimeVersion)
        } else {
            runtime = .path(URL(fileURLWithPath: runtimePath ?? Self.checkoutDirectory).standardizedFileURL.path)
        }
        var sources: [SwiftPackageEmitter.FunctionSource] = []
        var bindings: [FunctionSignatureCheck.Binding] = []
        if let functions {
            (sources, bindings) = try FunctionFiles.load(directory: functions, plan: plan, pipelinePath: file)
        }
        let files = SwiftPackageEmitter.emit(plan, runtime: runtime, functions: sources, bindings: bindings)
        let root = URL(fileURLWithPath: output, isDirectory: true)
        do {
            for file in files {
                let url = root.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url, options: .atomic)
            }
        } catch {
            throw PipelineCompilation.fail("cannot write the package to \(output): \(error.localizedDescription)")
        }
    }
}
