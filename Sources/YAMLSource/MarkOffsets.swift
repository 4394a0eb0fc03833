/// Converts libyaml's character indices into UTF-8 byte offsets.
///
/// libyaml counts characters, while ranges are byte offsets. Marks arrive almost in
/// order, so a cursor walked forward (or back) from the last answer keeps this linear.
struct MarkOffsets {
    private let bytes: [UInt8]
    private var characterIndex = 0
    private var byteOffset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // libyaml skips a UTF-8 byte-order mark without counting it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { byteOffset = 3 }
    }

    mutating func byteOffset(ofCharacter target: Int) -> Int {
        while characterIndex < target, byteOffset < bytes.count {
            byteOffset += 1
            while byteOffset < bytes.count, bytes[byteOffset] & 0xC0 == 0x80 { byteOffset += 1 }
            characterIndex += 1
        }
        while characterIndex > target, byteOffset > 0 {
            byteOffset -= 1
            while byteOffset > 0, bytes[byteOffset] & 0xC0 == 0x80 { byteOffset -= 1 }
            characterIndex -= 1
        }
        return byteOffset
    }
}
