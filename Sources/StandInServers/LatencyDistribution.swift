import Foundation
import Synchronization

/// Response delays drawn from a distribution, reproducibly (seeded), for stand-ins that
/// behave like a real service under load.
///
/// ``logNormal(p50:p99:seed:)`` fits a log-normal distribution to a median and a 99th
/// percentile, the two figures services usually publish: `ln X ~ N(ln p50, σ²)` with
/// `σ = ln(p99 / p50) / z₀.₉₉`. Draws are thread-safe; the sequence of draws is fixed by the
/// seed (which request gets which draw depends on arrival order).
public final class LatencyDistribution: Sendable {
    /// The standard normal's 99th percentile.
    static let z99 = 2.326_347_874_040_841

    private enum Shape {
        case fixed(Duration)
        case logNormal(mu: Double, sigma: Double)
    }

    private let shape: Shape
    private let generator: Mutex<SplitMix64>

    private init(shape: Shape, seed: UInt64) {
        self.shape = shape
        generator = Mutex(SplitMix64(state: seed))
    }

    /// Always `delay`.
    public static func fixed(_ delay: Duration) -> LatencyDistribution {
        LatencyDistribution(shape: .fixed(delay), seed: 0)
    }

    /// Log-normal with median `p50` and 99th percentile `p99` (`p99 ≥ p50 > 0`).
    public static func logNormal(p50: Duration, p99: Duration, seed: UInt64 = 1) -> LatencyDistribution {
        let median = max(1e-9, p50.inSeconds)
        let high = max(median, p99.inSeconds)
        return LatencyDistribution(shape: .logNormal(mu: log(median), sigma: log(high / median) / z99), seed: seed)
    }

    /// The delay at quantile `q` (0 < q < 1) of the distribution, for checks and reports.
    public func quantile(_ q: Double) -> Duration {
        switch shape {
        case .fixed(let delay): return delay
        case .logNormal(let mu, let sigma): return .seconds(exp(mu + sigma * Self.inverseNormal(q)))
        }
    }

    /// The next delay.
    public func next() -> Duration {
        switch shape {
        case .fixed(let delay): return delay
        case .logNormal(let mu, let sigma):
            let (u1, u2) = generator.withLock { ($0.nextUnit(), $0.nextUnit()) }
            // Box–Muller: one standard normal from two uniforms in (0, 1].
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return .seconds(exp(mu + sigma * z))
        }
    }

    /// The standard normal's quantile (Acklam's rational approximation, |error| < 1.2e-9).
    static func inverseNormal(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let p = min(max(p, 1e-12), 1 - 1e-12)
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low {
            let q = (-2 * log(1 - p)).squareRoot()
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}

/// SplitMix64: a small, fast, seedable generator (good enough for test delays, not for secrets).
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    mutating func nextUnit() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992 }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
