/// The names of the fields an `EventLineWriter` adds, prepared once and reused for every event.
///
/// Preparing the names encodes each `"name":` once and packs the raw names for the one-scan
/// "does the original already have any of these keys?" check, so per event only the values are
/// serialised. Immutable, so one instance may be shared by every worker.
public final class SpliceFieldNames: Sendable {
    /// The names, in the order their values are passed.
    public let names: [String]
    /// True when a name occurs more than once (such a splice always takes the merge path).
    public let hasRepeatedName: Bool
    /// `"name":` for each name, back to back; `encodedEnds[i]` is where name i's ends.
    let encoded: [UInt8]
    let encodedEnds: [Int]
    /// Raw UTF-8 of the names, back to back, and their lengths (for the C key check).
    let raw: [UInt8]
    let rawLengths: [Int]

    public init(_ names: [String]) {
        self.names = names
        hasRepeatedName = JSONObject.hasRepeatedKey(names)
        var encoded: [UInt8] = []
        var encodedEnds: [Int] = []
        var raw: [UInt8] = []
        var rawLengths: [Int] = []
        for name in names {
            JSONWriter.writeString(name, into: &encoded)
            encoded.append(UInt8(ascii: ":"))
            encodedEnds.append(encoded.count)
            raw.append(contentsOf: name.utf8)
            rawLengths.append(name.utf8.count)
        }
        self.encoded = encoded
        self.encodedEnds = encodedEnds
        self.raw = raw
        self.rawLengths = rawLengths
    }

    public var count: Int { names.count }

    /// True when `fields` has exactly these names in this order.
    func matches(_ fields: [(String, JSONValue)]) -> Bool {
        guard fields.count == names.count else { return false }
        for index in 0..<names.count where fields[index].0 != names[index] { return false }
        return true
    }
}
