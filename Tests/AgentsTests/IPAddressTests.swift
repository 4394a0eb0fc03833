import Testing

@testable import Agents

@Suite("IP address parsing")
struct IPAddressTests {
    /// Expected values computed with Python's `ipaddress` (IPv4 as ::ffff:a.b.c.d).
    static let valid: [(String, UInt128)] = [
        ("0.0.0.0", 0x00000000000000000000ffff00000000),
        ("255.255.255.255", 0x00000000000000000000ffffffffffff),
        ("192.0.2.1", 0x00000000000000000000ffffc0000201),
        ("10.0.0.255", 0x00000000000000000000ffff0a0000ff),
        ("::", 0x00000000000000000000000000000000),
        ("::1", 0x00000000000000000000000000000001),
        ("1::", 0x00010000000000000000000000000000),
        ("2001:db8::", 0x20010db8000000000000000000000000),
        ("2001:DB8::FFFF", 0x20010db800000000000000000000ffff),
        ("2001:db8:0:0:0:0:0:1", 0x20010db8000000000000000000000001),
        ("1:2:3:4:5:6:7:8", 0x00010002000300040005000600070008),
        ("1:2:3:4:5:6:7::", 0x00010002000300040005000600070000),
        ("::2:3:4:5:6:7:8", 0x00000002000300040005000600070008),
        ("1::8", 0x00010000000000000000000000000008),
        ("1:2::7:8", 0x00010002000000000000000000070008),
        ("::ffff:192.0.2.1", 0x00000000000000000000ffffc0000201),
        ("::ffff:c000:201", 0x00000000000000000000ffffc0000201),
        ("::192.0.2.1", 0x000000000000000000000000c0000201),
        ("64:ff9b::192.0.2.33", 0x0064ff9b0000000000000000c0000221),
        ("1:2:3:4:5:6:1.2.3.4", 0x00010002000300040005000601020304),
        ("fe80::1:2:3:4", 0xfe800000000000000001000200030004),
        ("0:0:0:0:0:0:0:0", 0x00000000000000000000000000000000),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0xffffffffffffffffffffffffffffffff),
        ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 0xffffffffffffffffffffffffffffffff),
        ("2001:db8:0:ffff:ffff:ffff:ffff:ffff", 0x20010db80000ffffffffffffffffffff),
        ("0001:0db8::0001", 0x00010db8000000000000000000000001),
    ]

    @Test(arguments: valid)
    func parsesValidAddresses(text: String, value: UInt128) throws {
        let address = try #require(IPAddress(text))
        #expect(address.value == value)
        #expect(address.isIPv4 == !text.contains(":"))
    }

    /// Python's `ipaddress` rejects every one of these too, except the zone identifier
    /// (`fe80::1%eth0`), which has no meaning in a range database.
    static let invalid = [
        "", "1", "abc", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.04", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ", " 1.2.3.4",
        "1..2.3", "1.2.3.4.", "+1.2.3.4", "0x1.2.3.4", "１.2.3.4", ":", ":::", "1:2", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1::2::3", ":1::", "1::2:", "1:", "12345::", "g::",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4:5", "1.2.3.4::", "::ffff:1.2.3.256", "::ffff:01.2.3.4",
        "fe80::1%eth0", "[::1]", "2001:db8::/32", "::ffff:1a.2.3.4", "1:2:3:4:5:6:7:8:", "1 ::", "::-1",
        "00000::", "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18", "2001:0db8:0000:0000:0000:0000:0000:0000:1",
    ]

    @Test(arguments: invalid)
    func rejectsGarbage(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func formatsAsRFC5952() throws {
        let cases = [
            ("2001:0DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
            ("1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1"),
            ("::", "::"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("192.0.2.1", "192.0.2.1"),
        ]
        for (text, formatted) in cases {
            #expect(try #require(IPAddress(text)).description == formatted)
        }
    }
}
