import Diagnostics
import Foundation

/// Reads pipeline files from disk without ever holding more than the size limit.
public enum SourceLoader {
    /// Why a file could not be read at all (exit code 2 territory, not a diagnostic).
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The outcome of loading: the file, or a diagnostic because it is too large.
    public enum Loaded: Sendable {
        case file(SourceFile)
        case tooLarge(Diagnostic)
    }

    /// Reads at most `limits.maxFileBytes + 1` bytes of `path` (or standard input for `-`).
    ///
    /// A larger file is answered with an E003 diagnostic without reading the rest, so a
    /// 50 MB file costs the same as a 32 MiB one. Missing or unreadable files throw.
    public static func load(path: String, limits: YAMLLimits = .default) throws -> Loaded {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReadError(path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else { throw ReadError(path: path, reason: "is a directory, not a pipeline file") }
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw ReadError(path: path, reason: "cannot be opened for reading (permission denied?)")
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        var bytes: [UInt8] = []
        let cap = limits.maxFileBytes + 1
        do {
            while bytes.count < cap {
                guard let chunk = try handle.read(upToCount: min(1 << 20, cap - bytes.count)), !chunk.isEmpty else { break }
                bytes.append(contentsOf: chunk)
            }
        } catch {
            throw ReadError(path: path, reason: "read failed: \(error.localizedDescription)")
        }
        let displayPath = path == "-" ? "<stdin>" : path
        if bytes.count > limits.maxFileBytes {
            let file = SourceFile(path: displayPath, bytes: [])
            return .tooLarge(
                Diagnostic(
                    .fileTooLarge,
                    "file is larger than the \(ByteCountText.describe(limits.maxFileBytes)) limit for pipeline files",
                    at: SourceRange.startOf(file: file.path),
                    notes: [DiagnosticNote("the file was not read past the limit")],
                    help: ["split the pipeline, or raise the limit with `--max-file-size` if this file is really meant to be this big"]
                ))
        }
        return .file(SourceFile(path: displayPath, bytes: bytes))
    }
}

/// Human-readable byte counts ("32 MiB").
enum ByteCountText {
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
