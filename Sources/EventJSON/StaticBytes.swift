/// Appending fixed text and packed byte strings to output buffers without reference counting.
///
/// `bytes.append(contentsOf: someArray)` retains and releases the source array's storage;
/// on hot paths that write a dozen fixed pieces per event, that was a measurable share of
/// the CPU. A `StaticString` lives in the binary and a ``PackedByteStrings`` is read
/// through one pointer.
extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a string literal.
    @inlinable
    public mutating func appendStatic(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

/// Byte strings made once (escaped names, `"name":` prefixes) kept end to end in one buffer.
public struct PackedByteStrings: Sendable {
    private let bytes: [UInt8]
    /// Where string `i` ends; it starts where `i - 1` ends.
    private let ends: [Int]

    public init(_ strings: [[UInt8]]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for string in strings {
            bytes.append(contentsOf: string)
            ends.append(bytes.count)
        }
        self.bytes = bytes
        self.ends = ends
    }

    public var count: Int { ends.count }

    /// Runs `body` with a reader that appends string `i` to a buffer.
    @inlinable
    public func withReader<Result>(_ body: (Reader) throws -> Result) rethrows -> Result {
        try withStorage { bytes, ends in try body(Reader(bytes: bytes, ends: ends)) }
    }

    @usableFromInline
    func withStorage<Result>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer { bytes in try ends.withUnsafeBufferPointer { ends in try body(bytes, ends) } }
    }

    /// Borrowed access to the strings, valid inside ``withReader(_:)`` only.
    public struct Reader {
        @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
        @usableFromInline let ends: UnsafeBufferPointer<Int>

        @usableFromInline
        init(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
            self.bytes = bytes
            self.ends = ends
        }

        /// Appends string `index` to `output`.
        @inlinable
        public func append(_ index: Int, to output: inout [UInt8]) {
            let start = index == 0 ? 0 : ends[index - 1]
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<ends[index]]))
        }
    }
}
