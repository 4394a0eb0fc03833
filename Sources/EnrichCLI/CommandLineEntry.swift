import ArgumentParser
import Foundation

/// Runs the CLI with Enrich's exit codes: usage errors exit 2, not ArgumentParser's 64.
public enum CommandLineEntry {
    public static func main(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try EnrichCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            let code = EnrichCommand.exitCode(for: error)
            if code == .success {
                // --help, --version
                print(EnrichCommand.fullMessage(for: error))
                exit(0)
            }
            if error is ExitCode { exit(code.rawValue) }
            FileHandle.standardError.write(Data((EnrichCommand.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
    }
}
