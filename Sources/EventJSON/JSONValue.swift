/// A JSON value as agents receive and return it, with object keys kept in order.
///
/// Integers and floating-point numbers are distinct so `42` round-trips as `42`.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value at a dot path below this one (`["data", "segment"]`); array steps are indices.
    @inlinable
    public subscript(path path: some Collection<String>) -> JSONValue? {
        var current = self
        for step in path {
            switch current {
            case .object(let object):
                guard let next = object.member(step) else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(step), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// True for `.null`.
    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The compact JSON text of this value.
    public var jsonText: String {
        var bytes: [UInt8] = []
        JSONWriter.write(self, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A JSON object that keeps its keys in insertion order (last write wins on a repeated key).
public struct JSONObject: Hashable, Sendable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds an object from parallel arrays; a repeated key keeps its first position and its
    /// last value, as if the pairs were assigned in order.
    public init(keys: [String], values: [JSONValue]) {
        precondition(keys.count == values.count, "JSONObject(keys:values:) needs one value per key")
        if JSONObject.hasRepeatedKey(keys) {
            self.keys.reserveCapacity(keys.count)
            for (key, value) in zip(keys, values) { self[key] = value }
        } else {
            self.keys = keys
            self.values = values
        }
    }

    /// True when a key occurs more than once.
    static func hasRepeatedKey(_ keys: [String]) -> Bool {
        if keys.count < 2 { return false }
        if keys.count <= 16 {
            for i in 1..<keys.count {
                for j in 0..<i where keys[i] == keys[j] { return true }
            }
            return false
        }
        var seen = Set<String>(minimumCapacity: keys.count)
        for key in keys where !seen.insert(key).inserted { return true }
        return false
    }

    /// Builds an object whose keys the caller has already checked are unique (no check here:
    /// hot paths share one keys array across many objects).
    public init(uniqueKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value of member `key` (the same as the subscript's getter, inlinable for hot paths).
    @inlinable
    public func member(_ key: String) -> JSONValue? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return values[index]
    }

    public subscript(key: String) -> JSONValue? {
        get {
            // Objects in events are small: a linear scan beats hashing here.
            guard let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue { values[index] = newValue } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Key/value pairs in order.
    public var pairs: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}
