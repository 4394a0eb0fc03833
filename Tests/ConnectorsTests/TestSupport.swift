import AsyncHTTPClient
import Diagnostics
import EventJSON
import Foundation
import NIOCore
import PipelineChecks
import Planner
import Testing

extension JSONValue {
    func string(_ path: String...) -> String? {
        if case .string(let text)? = self[path: path] { return text }
        return nil
    }

    func int(_ path: String...) -> Int64? {
        if case .int(let number)? = self[path: path] { return number }
        return nil
    }
}

/// A fresh directory under the system temporary directory.
struct Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("enrich-connectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Non-empty lines of a file (none when it is missing).
    func lines(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: path(name), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// The pipeline the connector tests run: one in-process agent labelling each event by `n`.
enum LabelPipeline {
    static let yaml = """
        pipeline: connectors
        agents:
          - name: label
            type: expr
            output:
              label: concat("n-", to_string(event.n))
        """

    static func plan() throws -> Plan {
        let result = Linter.lint(SourceFile(path: "connectors.yaml", text: yaml))
        let checked = try #require(result.pipeline)
        return try PlanCompiler.compile(checked, compiler: "enrich connectors-tests")
    }
}

/// A plain HTTP exchange with a server under test.
struct Exchange {
    var status: Int
    var headers: [(String, String)]
    var body: String

    var json: JSONValue? { try? JSONReader.parse(body) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

enum HTTP {
    static func send(_ method: String, _ url: String, body: String? = nil, timeoutSeconds: Int64 = 10) async throws -> Exchange {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Exchange(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: bytes))
    }

    static func post(_ url: String, _ body: String) async throws -> Exchange { try await send("POST", url, body: body) }
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return try condition()
}

/// A Prometheus text exposition, checked line by line as the format requires.
struct PrometheusExposition {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    /// Parses `text`; throws naming the first line that is not valid exposition format.
    init(_ text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "summary", "histogram", "untyped"].contains(parts[3]) else {
                    throw Malformed(line: number + 1, text: String(line))
                }
                guard types[String(parts[2])] == nil else { throw Malformed(line: number + 1, text: "TYPE repeated: \(line)") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let sample = Self.sample(Substring(line)) else { throw Malformed(line: number + 1, text: String(line)) }
            let family = types.keys.contains(sample.name) ? sample.name : sample.name.replacingOccurrences(of: "_sum", with: "").replacingOccurrences(of: "_count", with: "")
            guard types[family] != nil else { throw Malformed(line: number + 1, text: "sample before its TYPE: \(line)") }
            samples.append(sample)
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        var line: Int
        var text: String
        var description: String { "line \(line) is not Prometheus text: \(text)" }
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    private static func sample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let nameEnd = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard let first = name.first, first.isLetter || first == "_" else { return nil }
        rest = rest[nameEnd...]
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                guard let equals = rest.firstIndex(of: "=") else { return nil }
                let label = String(rest[..<equals])
                guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                var value = ""
                while let character = rest.first, character != "\"" {
                    if character == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { return nil }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                labels[label] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let number = rest.dropFirst()
        let value: Double
        switch number {
        case "NaN": value = .nan
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        default:
            guard let parsed = Double(number) else { return nil }
            value = parsed
        }
        return Sample(name: name, labels: labels, value: value)
    }
}
