import Foundation

extension JSONEncoder {
    /// An encoder for machine-readable reports: sorted keys, pretty printed, `/` unescaped.
    static var deterministic: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` as JSON text ending in a newline.
    ///
    /// Only for report documents made of strings, integers, arrays and optionals, whose
    /// encoding cannot fail; a failure is a programming error.
    func reportText(_ value: some Encodable) -> String {
        do {
            return String(decoding: try encode(value), as: UTF8.self) + "\n"
        } catch {
            preconditionFailure("encoding a diagnostics report failed: \(error)")
        }
    }
}
