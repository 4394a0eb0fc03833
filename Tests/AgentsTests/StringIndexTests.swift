import Testing

@testable import Agents

@Suite("pre-hashed string index")
struct StringIndexTests {
    @Test func findsEveryKeyAndNothingElse() {
        let keys = (0..<5_000).map { "key-\($0 * 7919)" } + ["", "a", "ab", "abcdefgh", "abcdefghi", "ÉNORME", "🙂"]
        let index = StringIndex(keys)
        #expect(index.count == keys.count)
        for (position, key) in keys.enumerated() { #expect(index.find(key) == position, "\(key)") }
        for missing in ["key-1", "key-", "abcdefg", "abcdefghij", "b", "énorme", "key-7919 "] {
            #expect(index.find(missing) == -1, "\(missing)")
        }
        #expect(StringIndex([]).find("x") == -1)
    }

    @Test func paddedHashEqualsPlainHash() {
        for length in 0..<30 {
            var bytes = (0..<length).map { UInt8(97 + $0 % 26) }
            let plain = bytes.withUnsafeBufferPointer { StringIndex.hash($0) }
            bytes += [UInt8](repeating: 0xEE, count: StringIndex.padding)  // garbage after the key
            let padded = bytes.withUnsafeBufferPointer { StringIndex.hashPadded(UnsafeBufferPointer(rebasing: $0[0..<length])) }
            #expect(plain == padded, "length \(length)")
            let found = bytes.withUnsafeBufferPointer {
                StringIndex([String(decoding: $0[0..<length], as: UTF8.self)]).find(UnsafeBufferPointer(rebasing: $0[0..<length]), padded: true)
            }
            #expect(found == 0)
        }
    }
}
