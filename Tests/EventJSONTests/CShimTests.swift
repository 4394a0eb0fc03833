import CSimdjson
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The C API as C callers see it: raw slices, flags, node handles, in-place parsing.
@Suite struct CShimTests {
    func withParser(_ line: String, _ body: (OpaquePointer, [UInt8]) throws -> Void) rethrows {
        let parser = enrich_sj_parser_create(0)!
        defer { enrich_sj_parser_destroy(parser) }
        try body(parser, Array(line.utf8))
    }

    func makePaths(_ paths: [[String]]) -> OpaquePointer {
        let flat = paths.flatMap { $0 }
        let cStrings = flat.map { strdup($0)! }
        defer { cStrings.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        return enrich_sj_paths_create(
            paths.count, paths.map(\.count), pointers, flat.map { $0.utf8.count },
            flat.map { Int64($0) ?? -1 })!
    }

    @Test func rawSlicesOfArraysAndObjectsPointIntoTheLine() throws {
        let line = #" {"a" : 1, "b":{ "c" : [1, {"d":"}]"}] , "e\"":"x" }, "f":[[], {}, "[" ] } "#
        withParser(line) { parser, bytes in
            var error = enrich_sj_error()
            #expect(enrich_sj_parse(parser, bytes, bytes.count, &error) == ENRICH_SJ_OK)
            let paths = makePaths([["b"], ["b", "c"], ["b", "c", "1"], ["f"], ["f", "1"], ["f", "0"], ["a"], ["b", "e\""], ["zz"]])
            defer { enrich_sj_paths_destroy(paths) }
            #expect(enrich_sj_paths_count(paths) == 9)
            var values = [enrich_sj_value](repeating: enrich_sj_value(), count: 9)
            #expect(enrich_sj_extract(parser, paths, ENRICH_SJ_EXTRACT_RAW_CONTAINERS, &values) == 0)
            func raw(_ v: enrich_sj_value) -> String {
                String(decoding: UnsafeRawBufferPointer(start: v.value.ptr, count: v.length), as: UTF8.self)
            }
            #expect(values[0].kind == ENRICH_SJ_OBJECT.rawValue)
            #expect(raw(values[0]) == #"{ "c" : [1, {"d":"}]"}] , "e\"":"x" }"#)
            #expect(values[1].kind == ENRICH_SJ_ARRAY.rawValue)
            #expect(raw(values[1]) == #"[1, {"d":"}]"}]"#)
            #expect(raw(values[2]) == #"{"d":"}]"}"#)
            #expect(raw(values[3]) == #"[[], {}, "[" ]"#)
            #expect(raw(values[4]) == "{}")
            #expect(raw(values[5]) == "[]")
            #expect(values[6].kind == ENRICH_SJ_INT64.rawValue && values[6].value.i64 == 1)
            #expect(values[7].kind == ENRICH_SJ_STRING.rawValue && raw(values[7]) == "x")
            #expect(values[8].kind == ENRICH_SJ_MISSING.rawValue)

            // A node handle flattens just that subtree.
            var tokens: UnsafePointer<enrich_sj_token>? = nil
            let count = enrich_sj_flatten(parser, values[1].node, &tokens)
            #expect(count == 5) // [ 1 { "d" "}]" } ]
            #expect(tokens![0].kind == ENRICH_SJ_ARRAY.rawValue && tokens![0].count == 2)
            #expect(enrich_sj_flatten(parser, 99, &tokens) == 0)

            #expect(enrich_sj_field_count(parser) == 3)
            #expect(enrich_sj_has_key(parser, "f", 1) == 1)
            #expect(enrich_sj_has_key(parser, "c", 1) == 0)
            #expect(enrich_sj_is_current(parser, bytes, bytes.count) == 1)
        }
    }

    @Test func duplicateKeysAreFlagged() {
        withParser(#"{"a":1,"b":{"x":1,"x":2},"c":{"y":1}}"#) { parser, bytes in
            #expect(enrich_sj_parse(parser, bytes, bytes.count, nil) == ENRICH_SJ_OK)
            var tokens: UnsafePointer<enrich_sj_token>? = nil
            let count = enrich_sj_flatten(parser, ENRICH_SJ_ROOT_NODE, &tokens)
            let kinds = (0..<count).map { tokens![$0].kind }
            #expect(kinds[0] == ENRICH_SJ_OBJECT.rawValue)
            #expect(kinds.contains(ENRICH_SJ_OBJECT.rawValue | ENRICH_SJ_FLAG_DUPLICATE_KEYS))
            #expect(kinds.filter { $0 == ENRICH_SJ_OBJECT.rawValue }.count == 2)
        }
    }

    @Test func errorsAndPaddedInput() {
        withParser("[1]") { parser, bytes in
            var error = enrich_sj_error()
            #expect(enrich_sj_parse(parser, bytes, bytes.count, &error) == ENRICH_SJ_NOT_AN_OBJECT)
            #expect(error.root_kind == Int32(ENRICH_SJ_ARRAY.rawValue))
            #expect(enrich_sj_is_current(parser, bytes, bytes.count) == 0)
            var values = [enrich_sj_value](repeating: enrich_sj_value(), count: 1)
            let paths = makePaths([["a"]])
            defer { enrich_sj_paths_destroy(paths) }
            #expect(enrich_sj_extract(parser, paths, 0, &values) == -1)

            let bad = Array(#"{"a":"x"#.utf8)
            #expect(enrich_sj_parse(parser, bad, bad.count, &error) == ENRICH_SJ_INVALID_JSON)
            #expect(String(cString: error.message) == "A string is opened, but never closed.")

            var padded = Array(#"{"a":"in place"}"#.utf8)
            let length = padded.count
            padded += [UInt8](repeating: 0, count: Int(ENRICH_SJ_PADDING))
            #expect(enrich_sj_parse_padded(parser, padded, length, &error) == ENRICH_SJ_OK)
            #expect(enrich_sj_extract(parser, paths, 0, &values) == 0)
            #expect(String(decoding: UnsafeRawBufferPointer(start: values[0].value.ptr, count: values[0].length), as: UTF8.self) == "in place")
        }
    }
}
