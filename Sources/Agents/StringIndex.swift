/// An immutable, pre-hashed map from distinct strings to their positions (0, 1, 2, ...),
/// probed with raw UTF-8 bytes: the hot-path index of the lookup agent and of VADER's
/// lexicon.
///
/// Open addressing with linear probing at ≤ 25% load; each slot holds 32 bits of the hash
/// beside the position, so a probe compares key bytes only when the tags match. The hash
/// is a multiply–xorshift over 8-byte words (not DoS-resistant: keys come from the
/// pipeline's own files, and an input can at worst pick an existing chain). Compared to
/// `[String: Int]`, a probe skips SipHash and String's generic comparison: about a third of
/// the instructions for short keys.
struct StringIndex: Sendable {
    /// Per slot: 0 when empty, else (hash tag << 32) | (position + 1).
    private let slots: [UInt64]
    private let mask: Int
    private let keyBytes: [UInt8]
    /// `count + 1` offsets into `keyBytes`.
    private let keyStarts: [Int32]

    /// Bytes a `padded` key must be followed by (readable, any value).
    static let padding = 8

    var count: Int { keyStarts.count - 1 }

    /// Indexes `keys` (which must be distinct): `find` returns a key's position in it.
    init(_ keys: [String]) {
        var keyBytes: [UInt8] = []
        var keyStarts: [Int32] = [0]
        keyStarts.reserveCapacity(keys.count + 1)
        for key in keys {
            keyBytes.append(contentsOf: key.utf8)
            keyStarts.append(Int32(keyBytes.count))
        }
        var capacity = 16
        while capacity < keys.count * 4 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        keyBytes.withUnsafeBufferPointer { bytes in
            for index in keys.indices {
                let key = UnsafeBufferPointer(rebasing: bytes[Int(keyStarts[index])..<Int(keyStarts[index + 1])])
                let hash = Self.hash(key)
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = (hash >> 32) << 32 | UInt64(index + 1)
            }
        }
        self.slots = slots
        self.mask = mask
        self.keyBytes = keyBytes
        self.keyStarts = keyStarts
    }

    /// The position of `key`, or -1. With `padded`, at least ``padding`` readable bytes
    /// follow `key` in memory, so the last partial word is read whole.
    @inline(__always)
    func find(_ key: UnsafeBufferPointer<UInt8>, padded: Bool = false) -> Int {
        let hash = padded ? Self.hashPadded(key) : Self.hash(key)
        let tag = hash >> 32
        return slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { keyBytes in
                keyStarts.withUnsafeBufferPointer { keyStarts in
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let value = slots[slot]
                        if value == 0 { return -1 }
                        if value >> 32 == tag {
                            let index = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                            let start = Int(keyStarts[index])
                            let length = Int(keyStarts[index + 1]) - start
                            if length == key.count, Self.equal(keyBytes.baseAddress.map { $0 + start }, key.baseAddress, length) {
                                return index
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The position of `key`, or -1.
    @inline(__always)
    func find(_ key: String) -> Int {
        if let found = key.utf8.withContiguousStorageIfAvailable({ find($0) }) { return found }
        return Array(key.utf8).withUnsafeBufferPointer { find($0) }
    }

    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
        guard count > 0, let a, let b else { return true }
        var index = 0
        while index + 8 <= count {
            if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != UnsafeRawPointer(b).loadUnaligned(fromByteOffset: index, as: UInt64.self)
            {
                return false
            }
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    // MARK: Hashing

    /// 64-bit hash of a byte string: 8-byte little-endian words, multiply–xorshift mixing.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return finish(hash) }
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            hash = mix(hash, UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index += 8
        }
        if index < count {
            var chunk: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                chunk |= UInt64(base[index]) << shift
                shift += 8
                index += 1
            }
            hash = mix(hash, chunk)
        }
        return finish(hash)
    }

    /// ``hash(_:)`` for a key followed by ``padding`` readable bytes: the last partial word
    /// is read whole and masked instead of byte by byte. Same result.
    @inline(__always)
    static func hashPadded(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return finish(hash) }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            hash = mix(hash, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index += 8
        }
        let remaining = count - index
        if remaining > 0 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash = mix(hash, word & (UInt64.max >> (64 - 8 * UInt64(remaining))))
        }
        return finish(hash)
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ chunk: UInt64) -> UInt64 {
        let mixed = (hash ^ chunk) &* 0xFF51_AFD7_ED55_8CCD
        return mixed ^ (mixed >> 29)
    }

    @inline(__always)
    private static func finish(_ hash: UInt64) -> UInt64 {
        let mixed = hash &* 0xC4CE_B9FE_1A85_EC53
        return mixed ^ (mixed >> 32)
    }
}
