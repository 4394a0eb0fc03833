import Foundation

/// An append-only output (file or standard output) written with plain `write(2)` calls.
///
/// Data written this way survives the process being killed (it is in the kernel), so a
/// checkpoint recorded after a write never points past data that could be lost to SIGKILL.
/// Used by one writer at a time (the run's ``BatchWriter``), hence unchecked.
final class OutputFile: @unchecked Sendable {
    let path: String?
    private let descriptor: Int32
    private(set) var length: Int64

    /// Opens `path` for appending after cutting it to `truncateTo` (nil: cut to empty).
    init(path: String, truncateTo: Int64?) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError.outputFailed("cannot open \(path): \(String(cString: strerror(errno)))") }
        let keep = truncateTo ?? 0
        var info = stat()
        fstat(fd, &info)
        if Int64(info.st_size) < keep {
            Foundation.close(fd)
            throw RunError.checkpointMismatch("\(path) is \(info.st_size) bytes, shorter than the \(keep) bytes the checkpoint recorded; it was changed since the last run (use --from-start to begin again)")
        }
        guard ftruncate(fd, off_t(keep)) == 0, lseek(fd, off_t(keep), SEEK_SET) >= 0 else {
            Foundation.close(fd)
            throw RunError.outputFailed("cannot prepare \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        length = keep
    }

    /// Standard output: appended to, never truncated.
    init(standardOutput: Void) {
        path = nil
        descriptor = STDOUT_FILENO
        length = 0
    }

    func write(_ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + written, raw.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw RunError.outputFailed("writing \(path ?? "standard output") failed: \(String(cString: strerror(errno)))")
            }
            written += count
        }
        length += Int64(bytes.count)
    }

    func close() {
        if descriptor != STDOUT_FILENO { Foundation.close(descriptor) }
    }
}
