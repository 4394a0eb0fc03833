import AsyncHTTPClient
import EventJSON
import Foundation
import NIOCore
import NIOHTTP1
import Planner
import Runtime

/// Calls an HTTP API for an `http` agent and turns the JSON response into its result.
///
/// The URL arrives interpolated (values percent-encoded by the runtime). `body: json`
/// sends the agent's inputs as a JSON object with POST, PUT and PATCH. Outcomes map to
/// retries as a careful client would: 2xx is a result; 5xx, 429, resets and timeouts
/// may be retried; other 4xx responses and non-JSON bodies are not worth repeating.
struct HTTPAgent: Sendable {
    let name: String
    let http: PlanHTTP
    let client: HTTPClient
    /// Per-request deadline handed to the client, beyond the runtime's own timeout race,
    /// so an abandoned request releases its connection.
    let timeout: TimeAmount
    static let maxResponseBytes = 8 << 20

    func call(_ request: AgentRequest) async throws(AgentCallFailure) -> JSONValue {
        guard let urlText = request.url, let url = URL(string: urlText), let host = url.host else {
            throw AgentCallFailure("`\(request.url ?? "")` is not a valid URL", retryable: false)
        }
        if !http.allowHosts.isEmpty, !http.allowHosts.contains(host) {
            throw AgentCallFailure("host `\(host)` is not in `allow_hosts`", retryable: false)
        }
        var outgoing = HTTPClientRequest(url: urlText)
        outgoing.method = HTTPMethod(rawValue: http.method)
        outgoing.headers.add(name: "Accept", value: "application/json")
        outgoing.headers.add(name: "User-Agent", value: "enrich")
        for header in request.headers { outgoing.headers.replaceOrAdd(name: header.name, value: header.value) }
        if http.body == "json", ["POST", "PUT", "PATCH"].contains(http.method) {
            var body: [UInt8] = []
            JSONWriter.write(.object(request.inputs), into: &body)
            outgoing.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(outgoing, timeout: timeout)
            bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw AgentCallFailure("response larger than \(Self.maxResponseBytes >> 20) MiB", retryable: false)
        } catch is CancellationError {
            throw AgentCallFailure("cancelled", retryable: false)
        } catch {
            throw AgentCallFailure("request to \(host) failed: \(Self.describe(error))", retryable: true)
        }
        let status = response.status.code
        guard (200..<300).contains(status) else {
            let retryable = status == 429 || status == 408 || status >= 500
            throw AgentCallFailure("HTTP \(status) \(response.status.reasonPhrase) from \(host)", retryable: retryable)
        }
        if bytes.readableBytes == 0 { return .object(JSONObject()) }
        do {
            return try JSONReader.parse(Array(buffer: bytes))
        } catch {
            throw AgentCallFailure("response from \(host) is not JSON: \(error)", retryable: false)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError { return "\(client)" }
        return String(describing: error)
    }
}
