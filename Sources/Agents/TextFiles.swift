import Foundation

/// Reading the text files agents load (tables, range databases, lexicons) with errors that
/// name the file and, for bad bytes, the line.
enum TextFiles {
    /// The file's text as UTF-8 (a leading byte-order mark is dropped).
    static func read(_ url: URL, display: String) throws(AgentLoadError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw AgentLoadError(file: display, "file not found")
        }
        if isDirectory.boolValue { throw AgentLoadError(file: display, "is a directory, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw AgentLoadError(file: display, "cannot be read: \(error.localizedDescription)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw AgentLoadError(file: display, line: firstInvalidLine(bytes), "is not valid UTF-8")
        }
        return text
    }

    /// The 1-based line holding the first byte sequence that is not UTF-8.
    static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput, .error: return line
            }
        }
    }
}
