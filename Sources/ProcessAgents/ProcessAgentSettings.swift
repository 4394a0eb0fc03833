#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one `process` agent's child is started, supervised and stopped.
///
/// The defaults suit a model server: a slow first start (loading weights) and quick
/// restarts after a crash that back off exponentially up to ``maxRestartBackoff``.
public struct ProcessAgentSettings: Sendable {
    /// The agent's name, used in every message about it.
    public var name: String
    /// The program and its arguments; a first word without `/` is looked up in `PATH`,
    /// a relative path resolves against ``workingDirectory``.
    public var command: [String]
    /// Variables added to (or replacing in) the environment the child inherits.
    public var environment: [String: String] = [:]
    /// The child's current directory (nil: enrich's own).
    public var workingDirectory: String?
    /// How long the child may take to write its ready line.
    public var startupTimeout: Duration = .seconds(120)
    /// After standard input is closed at shutdown, how long the child may take to exit
    /// before it gets SIGTERM.
    public var exitGrace: Duration = .seconds(2)
    /// After SIGTERM, how long before SIGKILL.
    public var terminateGrace: Duration = .seconds(2)
    /// Wait before the first restart after a crash; doubled after each further crash in a row.
    public var restartBackoff: Duration = .milliseconds(100)
    /// The longest wait between restarts.
    public var maxRestartBackoff: Duration = .seconds(10)
    /// Requests in flight (sent or queued) at most; more fail at once, retryable.
    public var maxInFlight = 4096
    /// The longest response line accepted; a longer one is a protocol error.
    public var maxLineBytes = 16 << 20
    /// Where the child's standard error lines go (already prefixed with the agent's name).
    public var log: @Sendable (String) -> Void = ProcessAgentSettings.standardErrorLog

    public init(name: String, command: [String]) {
        self.name = name
        self.command = command
    }

    /// Writes a line to enrich's standard error.
    public static let standardErrorLog: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(2, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
