import Foundation
import StandInServers
import Synchronization

/// The CRM API of the case: rate limited (429 with `Retry-After: 1` over `limitPerSecond`
/// requests in a second), and per user class slow (1.2 s), hanging, failing (503) or fast.
///
/// Users are `u000`...; the class is the number modulo 10: 0 slow, 1 hang, 2 503, else a
/// profile after 40 ms. Every request is logged with its user, time and answer.
final class CRMStandIn: Sendable {
    enum UserClass: String, Sendable { case slow, hang, failing, fast }

    struct Call: Sendable {
        var user: String
        var at: UInt64
        var answer: String
    }

    let limitPerSecond: Int
    private let state = Mutex<(windowStart: UInt64, inWindow: Int, calls: [Call])>((0, 0, []))

    init(limitPerSecond: Int) { self.limitPerSecond = limitPerSecond }

    static func userClass(_ user: String) -> UserClass {
        switch (Int(user.dropFirst()) ?? 0) % 10 {
        case 0: .slow
        case 1: .hang
        case 2: .failing
        default: .fast
        }
    }

    /// The profile the CRM holds for a fast user.
    static func segment(_ user: String) -> String { (Int(user.dropFirst()) ?? 0) % 3 == 0 ? "vip" : "regular" }

    var calls: [Call] { state.withLock { $0.calls } }

    var handler: StandInServer.Handler {
        { request in self.answer(request) }
    }

    private func answer(_ request: StandInRequest) -> StandInReply {
        let user = String(request.path.split(separator: "/").last ?? "")
        let now = request.receivedAt
        let limited = state.withLock { state -> Bool in
            if now &- state.windowStart >= 1_000_000_000 {
                state.windowStart = now
                state.inWindow = 0
            }
            state.inWindow += 1
            return state.inWindow > limitPerSecond
        }
        let (reply, label) = limited ? (StandInReply.json("{\"error\":\"rate limited\"}", status: 429, headers: [("Retry-After", "1")]), "429") : unlimitedAnswer(for: user)
        state.withLock { $0.calls.append(Call(user: user, at: now, answer: label)) }
        return reply
    }

    /// What the CRM answers for `user` when not rate limited, and a label for the log.
    private func unlimitedAnswer(for user: String) -> (StandInReply, String) {
        switch Self.userClass(user) {
        case .slow: (profile(user, after: .milliseconds(1200)), "slow")
        case .hang: (.hang, "hang")
        case .failing: (.status(503), "503")
        case .fast: (profile(user, after: .milliseconds(40)), "ok")
        }
    }

    private func profile(_ user: String, after delay: Duration) -> StandInReply {
        .json("{\"data\":{\"segment\":\"\(Self.segment(user))\",\"lifetime_value\":\(Double(user.dropFirst().count) * 10.5)}}", after: delay)
    }
}

/// The ads API: campaign attribution by campaign and country after 20 ms; every 7th request 503.
final class AdsStandIn: Sendable {
    private let count = Mutex(0)

    var handler: StandInServer.Handler {
        { request in
            let index = self.count.withLock { value -> Int in
                defer { value += 1 }
                return value
            }
            if index % 7 == 6 { return .status(503) }
            let body = request.bodyText
            let channel = body.contains("cmp_1001") ? "paid_search" : body.contains("cmp_1002") ? "paid_social" : "direct"
            return .json("{\"channel\":\"\(channel)\",\"campaign_name\":\"stand-in\"}", after: .milliseconds(20))
        }
    }

    var requestCount: Int { count.withLock { $0 } }
}
