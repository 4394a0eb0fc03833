import EventJSON
import Foundation

/// Dead-letter lines: the input kept whole, with the reason it could not be enriched.
enum DeadLetter {
    static func appendMalformed(line: InputLine, reason: String, to output: inout [UInt8]) {
        var object = JSONObject()
        object["line"] = .int(line.number)
        object["reason"] = .string(reason)
        if let text = String(validating: line.bytes, as: UTF8.self) {
            object["input"] = .string(text)
        } else {
            // Invalid UTF-8 cannot be a JSON string: keep the exact bytes in base64.
            object["input_base64"] = .string(Data(line.bytes).base64EncodedString())
        }
        JSONWriter.write(.object(object), into: &output)
        output.append(UInt8(ascii: "\n"))
    }

    static func appendFailed(line: InputLine, reason: String, metadata: [UInt8], to output: inout [UInt8]) {
        var head = JSONObject()
        head["line"] = .int(line.number)
        head["reason"] = .string(reason)
        var bytes: [UInt8] = []
        JSONWriter.write(.object(head), into: &bytes)
        // {"line":..,"reason":..,"_enrichment":..,"event":<original bytes>}
        bytes.removeLast()
        bytes.append(contentsOf: Array(",\"_enrichment\":".utf8))
        bytes.append(contentsOf: metadata)
        bytes.append(contentsOf: Array(",\"event\":".utf8))
        bytes.append(contentsOf: line.bytes)
        bytes.append(contentsOf: Array("}\n".utf8))
        output.append(contentsOf: bytes)
    }
}
