import CSimdjson

/// Field paths prepared once and extracted from many events with `JSONLineParser.extract`.
///
/// Each path is a list of steps from the event's top level: `["user_id"]`, `["geo", "ip"]`.
/// A step selects the object member with exactly that (unescaped) name; on an array, a step that
/// spells a non-negative integer (`["items", "0", "sku"]`) selects that element, as
/// `JSONValue.subscript(path:)` does. If an object repeats a key, the last occurrence wins.
///
/// Immutable after creation, so one instance may be shared by every worker.
public final class ExtractionPaths: @unchecked Sendable {
    /// The paths, in the order `extract` returns their values.
    public let paths: [[String]]
    let handle: OpaquePointer

    public init(_ paths: [[String]]) {
        self.paths = paths
        var pathLengths: [Int] = []
        var componentBytes: [UInt8] = []
        var componentStarts: [Int] = []
        var componentLengths: [Int] = []
        var arrayIndices: [Int64] = []
        for path in paths {
            pathLengths.append(path.count)
            for step in path {
                componentStarts.append(componentBytes.count)
                componentBytes.append(contentsOf: step.utf8)
                componentLengths.append(step.utf8.count)
                if let index = Int(step), index >= 0 { arrayIndices.append(Int64(index)) } else { arrayIndices.append(-1) }
            }
        }
        componentBytes.append(0) // never an empty buffer
        let created: OpaquePointer? = componentBytes.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = componentStarts.map { base + $0 }
            return pointers.withUnsafeBufferPointer { pointerBuffer in
                enrich_sj_paths_create(
                    paths.count, pathLengths, pointerBuffer.baseAddress, componentLengths, arrayIndices)
            }
        }
        guard let created else { fatalError("ExtractionPaths: out of memory") }
        handle = created
    }

    /// Paths written with dots: `"geo.ip"` is `["geo", "ip"]`.
    public convenience init(dotted: [String]) {
        self.init(dotted.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) })
    }

    public var count: Int { paths.count }

    deinit { enrich_sj_paths_destroy(handle) }
}
