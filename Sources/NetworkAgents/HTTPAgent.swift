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
/// retries as a careful client would: 2xx is a result; 5xx, 429, 408, resets and
/// timeouts may be retried (a `Retry-After` on 429 and 503 travels with the failure);
/// other 4xx, redirects and non-JSON bodies are not worth repeating.
///
/// Failure reasons end up in dead letters, audit rows and the run summary, so they name
/// the host and the status only: never the URL's path or query, nor a header value (an
/// `env.` secret may be in either), and anything from the client library that might
/// quote them is scrubbed.
struct HTTPAgent: Sendable {
    let name: String
    let http: PlanHTTP
    let client: HTTPClient
    /// Per-request deadline handed to the client, beyond the runtime's own timeout race,
    /// so an abandoned request releases its connection.
    let timeout: TimeAmount
    static let maxResponseBytes = 8 << 20

    func call(_ request: AgentRequest) async throws(AgentCallFailure) -> JSONValue {
        guard let urlText = request.url, let url = URL(string: urlText), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw AgentCallFailure("the request URL is not a valid http(s) URL with a host", retryable: false)
        }
        if !http.allowHosts.isEmpty, !Self.isAllowed(host: host, port: url.port ?? (scheme == "https" ? 443 : 80), by: http.allowHosts) {
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
        } catch is NIOTooManyBytesError {
            throw AgentCallFailure("response from \(host) larger than \(Self.maxResponseBytes >> 20) MiB", retryable: false)
        } catch is CancellationError {
            throw AgentCallFailure("cancelled", retryable: false)
        } catch {
            let (text, retryable) = Self.classify(error)
            throw AgentCallFailure(Self.scrub("request to \(host) failed: \(text)", of: request), retryable: retryable)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            throw Self.failure(status: status, reason: response.status.reasonPhrase, headers: response.headers, host: host)
        }
        if bytes.readableBytes == 0 { return .object(JSONObject()) }
        do {
            return try JSONReader.parse(Array(buffer: bytes))
        } catch {
            throw AgentCallFailure("response from \(host) is not JSON", retryable: false)
        }
    }

    /// The failure for a non-2xx status: 5xx, 429 and 408 may be retried (the last two
    /// say "not now" rather than "never"); other 4xx and 3xx (redirects are not followed,
    /// so a server cannot send the request, secrets and all, to another host) may not.
    static func failure(status: Int, reason: String, headers: HTTPHeaders, host: String, now: Date = Date()) -> AgentCallFailure {
        let retryable = status == 429 || status == 408 || status >= 500
        var retryAfter: Int64?
        if status == 429 || status == 503, let value = headers.first(name: "Retry-After") {
            retryAfter = RetryAfter.microseconds(value, now: now)
        }
        var text = "HTTP \(status) \(reason) from \(host)"
        if let retryAfter { text += " (Retry-After \(Self.seconds(retryAfter)))" }
        return AgentCallFailure(text, retryable: retryable, retryAfterMicroseconds: retryAfter)
    }

    /// Whether `host` (and port) is one of `allowed`: entries are host names or IP
    /// addresses, compared without regard to case, optionally with `:port`.
    static func isAllowed(host: String, port: Int, by allowed: [String]) -> Bool {
        let host = host.lowercased()
        return allowed.contains { entry in
            let entry = entry.lowercased()
            return entry == host || entry == "\(host):\(port)"
        }
    }

    /// A short description of a transport error, and whether another attempt may succeed.
    static func classify(_ error: any Error) -> (String, Bool) {
        if let client = error as? HTTPClientError {
            let permanent: [HTTPClientError] = [
                .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath, .alreadyShutdown, .traceRequestWithBody, .bodyLengthMismatch,
                .redirectLimitReached, .redirectCycleDetected,
            ]
            // These two quote the offending names or values, which may hold a secret.
            if "\(client)".hasPrefix("HTTPClientError.invalidHeaderField") {
                return ("a header has characters HTTP does not allow", false)
            }
            return (client.shortDescription.lowercased(), !permanent.contains(client))
        }
        return (String(describing: error), true)
    }

    /// `text` with every header value and the URL's path and query cut out.
    static func scrub(_ text: String, of request: AgentRequest) -> String {
        var result = text
        var secrets = request.headers.map(\.value).filter { $0.count >= 4 }
        if let url = request.url, let components = URLComponents(string: url) {
            secrets.append(url)
            if let query = components.percentEncodedQuery, !query.isEmpty { secrets.append(query) }
            if components.percentEncodedPath.count > 1 { secrets.append(components.percentEncodedPath) }
        }
        for secret in secrets.sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return result
    }

    private static func seconds(_ microseconds: Int64) -> String {
        microseconds % 1_000_000 == 0 ? "\(microseconds / 1_000_000)s" : String(format: "%.1fs", Double(microseconds) / 1e6)
    }
}
