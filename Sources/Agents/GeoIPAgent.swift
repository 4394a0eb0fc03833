import EventJSON
import Foundation

/// `type: geoip`: IPv4/IPv6 address → location, from an IP-range CSV database.
///
/// The database (setting `database`) is a CSV file with the header
/// `start_ip,end_ip,country,region,city,latitude,longitude` (columns in any order; others
/// are ignored). Each row is an inclusive range; start and end must be of the same family
/// (both dotted quads, or both IPv6 text). IPv4 ranges also match IPv4-mapped IPv6 input
/// (`::ffff:192.0.2.7`). Ranges may come in any order; they are sorted at load, and
/// overlapping ranges are rejected there with both lines named.
///
/// Input `ip` (a string). Result fields: `country`, `region`, `city` (string) and
/// `latitude`, `longitude` (float); an empty cell gives `null`.
/// - An address in no range, a `null` address or no `ip` input returns `{}` (not found is
///   not a failure: the outputs are missing and `??` defaults apply).
/// - Text that is not exactly one address fails, not retryable:
///   "`abc` is not an IPv4 or IPv6 address" (see ``IPAddress`` for the strict syntax).
///
/// A call parses the address without allocating and binary-searches the sorted starts
/// (11 steps for 2,000 ranges), returning a prebuilt, shared result object.
public final class GeoIPAgent: InProcessAgent {
    public static let columns = ["start_ip", "end_ip", "country", "region", "city", "latitude", "longitude"]

    /// The database as named in messages.
    public let source: String
    private let starts: [UInt128]
    private let ends: [UInt128]
    private let results: [JSONValue]

    public var rangeCount: Int { starts.count }

    /// Loads the range database at `database`; `display` names it in messages (default: its path).
    public convenience init(database: URL, display: String? = nil) throws(AgentLoadError) {
        let display = display ?? database.path
        try self.init(table: try CSVTable.read(database, display: display), source: display)
    }

    /// Builds the range table from CSV text; `source` names it in messages.
    public convenience init(csvText: String, source: String = "<geoip csv>") throws(AgentLoadError) {
        try self.init(table: try CSVTable.parse(csvText, file: source), source: source)
    }

    private init(table: CSVTable, source: String) throws(AgentLoadError) {
        var position: [String: Int] = [:]
        for name in Self.columns {
            guard let index = table.columns.firstIndex(of: name) else {
                let missing = Self.columns.filter { !table.columns.contains($0) }
                throw AgentLoadError(
                    file: source, line: 1,
                    "is not a geoip range database: missing column\(missing.count == 1 ? "" : "s") "
                        + missing.map { "`\($0)`" }.joined(separator: ", ")
                        + "; expected the header `\(Self.columns.joined(separator: ","))`, found `\(table.columns.joined(separator: ","))`"
                )
            }
            position[name] = index
        }
        struct Range {
            var start: IPAddress
            var end: IPAddress
            var line: Int
            var result: JSONValue
        }
        var ranges: [Range] = []
        ranges.reserveCapacity(table.rows.count)
        for (row, line) in zip(table.rows, table.lines) {
            func cell(_ name: String) -> String { row[position[name]!] }
            func address(_ name: String) throws(AgentLoadError) -> IPAddress {
                guard let address = IPAddress(cell(name)) else {
                    throw AgentLoadError(file: source, line: line, "\(name) `\(cell(name))` is not an IPv4 or IPv6 address")
                }
                return address
            }
            func coordinate(_ name: String, limit: Double) throws(AgentLoadError) -> JSONValue {
                let text = cell(name)
                if text.isEmpty { return .null }
                guard CSVTable.numberKind(text.utf8) != .none, let value = Double(text), abs(value) <= limit else {
                    throw AgentLoadError(file: source, line: line, "\(name) `\(text)` is not a number between -\(Int(limit)) and \(Int(limit))")
                }
                return .double(value)
            }
            func text(_ name: String) -> JSONValue { cell(name).isEmpty ? .null : .string(cell(name)) }
            let start = try address("start_ip")
            let end = try address("end_ip")
            guard start.isIPv4 == end.isIPv4 else {
                throw AgentLoadError(file: source, line: line, "range \(cell("start_ip"))-\(cell("end_ip")) mixes an IPv4 and an IPv6 address")
            }
            guard start.value <= end.value else {
                throw AgentLoadError(file: source, line: line, "range \(cell("start_ip"))-\(cell("end_ip")) ends before it starts")
            }
            let result = JSONObject([
                ("country", text("country")), ("region", text("region")), ("city", text("city")),
                ("latitude", try coordinate("latitude", limit: 90)), ("longitude", try coordinate("longitude", limit: 180)),
            ])
            ranges.append(Range(start: start, end: end, line: line, result: .object(result)))
        }
        ranges.sort { $0.start.value < $1.start.value }
        for index in ranges.indices.dropFirst() {
            let previous = ranges[index - 1]
            let current = ranges[index]
            if current.start.value <= previous.end.value {
                let (first, second) = previous.line < current.line ? (previous, current) : (current, previous)
                throw AgentLoadError(
                    file: source, line: second.line,
                    "range \(second.start)-\(second.end) overlaps range \(first.start)-\(first.end) on line \(first.line)"
                )
            }
        }
        self.source = source
        self.starts = ranges.map(\.start.value)
        self.ends = ranges.map(\.end.value)
        self.results = ranges.map(\.result)
    }

    public func call(_ inputs: JSONObject) throws(AgentFailure) -> JSONValue {
        guard let value = inputs["ip"] else { return .emptyObject }
        switch value {
        case .string(let text):
            let parsed = text.utf8.withContiguousStorageIfAvailable { IPAddress.parse($0) } ?? IPAddress(text)
            guard let address = parsed else {
                throw .invalidInput("`\(Self.abbreviated(text))` is not an IPv4 or IPv6 address")
            }
            return result(for: address.value)
        case .null:
            return .emptyObject
        default:
            throw .invalidInput("geoip input `ip` must be a string, got \(value.typeName)")
        }
    }

    /// The location of `address`, or `{}` when it is in no range.
    public func result(for address: UInt128) -> JSONValue {
        starts.withUnsafeBufferPointer { starts in
            // The first range starting after the address; the one before it may hold it.
            var low = 0
            var high = starts.count
            while low < high {
                let middle = (low + high) >> 1
                if starts[middle] <= address { low = middle + 1 } else { high = middle }
            }
            guard low > 0, address <= ends[low - 1] else { return .emptyObject }
            return results[low - 1]
        }
    }

    /// The location of an address given as text; nil when the text is not an address.
    public func locate(_ text: String) -> JSONValue? {
        IPAddress(text).map { result(for: $0.value) }
    }

    static func abbreviated(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(61)) + "..."
    }
}
