import StandInServers

/// The three services of the benchmark, on 127.0.0.1.
struct StandInAPIs {
    let crm: StandInServer
    let geo: StandInServer
    let ads: StandInServer

    static let crmLatency = LatencyDistribution.logNormal(p50: .milliseconds(80), p99: .milliseconds(1200), seed: 42)
    static let geoLatency = LatencyDistribution.fixed(.milliseconds(5))
    static let adsLatency = LatencyDistribution.fixed(.milliseconds(20))
    static let countries = ["US", "JP", "DE", "FR", "BR", "IN", "GB", "CA"]

    static func start() async throws -> StandInAPIs {
        let crm = try await StandInServer.start(keepingRequests: 0) { request in
            let user = request.path.split(separator: "/").last.map(String.init) ?? "u0"
            let number = Int(user.dropFirst()) ?? 0
            let segment = number % 7 == 0 ? "vip" : "regular"
            return .json("{\"data\":{\"segment\":\"\(segment)\",\"lifetime_value\":\(number % 1000).5}}", after: crmLatency.next())
        }
        let geo = try await StandInServer.start(keepingRequests: 0) { request in
            let country = countries[request.path.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % countries.count]
            return .json("{\"country\":\"\(country)\",\"city\":\"stand-in\"}", after: geoLatency.next())
        }
        let ads = try await StandInServer.start(keepingRequests: 0) { request in
            let channel = request.bodyText.contains("cmp_") ? "paid_search" : "direct"
            return .json("{\"channel\":\"\(channel)\"}", after: adsLatency.next())
        }
        return StandInAPIs(crm: crm, geo: geo, ads: ads)
    }

    func stop() async {
        await crm.stop()
        await geo.stop()
        await ads.stop()
    }
}
