import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The identity of an input file, for checkpoints: device and inode (which survive appends
/// and renames, and change when the file is replaced), plus its current size.
public struct SourceFingerprint: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64

    public init(device: UInt64, inode: UInt64, size: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
    }

    /// Reads the fingerprint of the file at `path` (following symbolic links).
    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw StateStoreError.invalidArgument("cannot stat input \(path): \(reason)")
        }
        self.init(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size))
    }

    /// The string stored in `Checkpoint.fingerprint`: `dev:inode`. Size is left out so that a
    /// file that grew (appended input) still matches.
    public var identity: String { "\(device):\(inode)" }

    /// Whether processing can resume from `checkpoint`: same file, and not shorter than what
    /// was already consumed (a truncated or rewritten file starts over).
    public func canResume(from checkpoint: Checkpoint) -> Bool {
        checkpoint.fingerprint == identity && size >= checkpoint.inputOffset
    }
}
