import StandInServers
import Testing

/// The stand-ins' latency distributions: fitted to a median and a 99th percentile, seeded.
@Suite struct LatencyDistributionTests {
    func sampleMilliseconds(_ distribution: LatencyDistribution, count: Int) -> [Double] {
        (0..<count).map { _ in milliseconds(distribution.next()) }
    }

    @Test func logNormalMatchesItsMedianAndP99() {
        let draws = sampleMilliseconds(.logNormal(p50: .milliseconds(80), p99: .milliseconds(1200), seed: 7), count: 40_000)
        #expect(abs(quantile(draws, 0.5) - 80) < 5, "p50 \(quantile(draws, 0.5))")
        #expect(abs(quantile(draws, 0.99) - 1200) < 150, "p99 \(quantile(draws, 0.99))")
        #expect(draws.allSatisfy { $0 > 0 })
    }

    func milliseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }

    @Test func quantilesAreTheFittedOnes() {
        let distribution = LatencyDistribution.logNormal(p50: .milliseconds(80), p99: .milliseconds(1200))
        let median = milliseconds(distribution.quantile(0.5))
        let high = milliseconds(distribution.quantile(0.99))
        #expect(abs(median - 80) < 0.01)
        #expect(abs(high - 1200) < 0.01)
    }

    @Test func theSeedFixesTheSequence() {
        let a = sampleMilliseconds(.logNormal(p50: .milliseconds(20), p99: .milliseconds(90), seed: 3), count: 100)
        let b = sampleMilliseconds(.logNormal(p50: .milliseconds(20), p99: .milliseconds(90), seed: 3), count: 100)
        let c = sampleMilliseconds(.logNormal(p50: .milliseconds(20), p99: .milliseconds(90), seed: 4), count: 100)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func fixedIsFixed() {
        #expect(sampleMilliseconds(.fixed(.milliseconds(5)), count: 10) == Array(repeating: 5, count: 10))
    }
}
