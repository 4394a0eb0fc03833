import Foundation

/// Command-line options of the load benchmark.
struct BenchmarkOptions {
    /// Offered events per second.
    var rate = 5000
    /// How long events are posted (bounded to 120 s).
    var seconds = 20.0
    /// Seconds before those in which the rate rises linearly to `rate`.
    var ramp = 20.0
    /// Leading seconds (at full rate) left out of the latency figures (the CRM cache is cold).
    var warmup = 3.0
    /// POSTs per second; each carries rate / postsPerSecond events.
    var postsPerSecond = 100
    /// Distinct user ids (CRM cache keys); ids are drawn uniformly.
    var users = 20_000
    /// The `enrich` binary (default: next to this executable).
    var enrich: String?
    /// Extra `enrich run` arguments.
    var enrichArguments: [String] = ["--sink-batch-size", "500", "--sink-linger", "2ms"]
    /// A pipeline file to serve instead of the built-in one (`{crm}`, `{geo}` and `{ads}`
    /// in it become the stand-ins' base URLs).
    var pipeline: String?
    /// Cache geo and ads answers (false: every event calls all three services).
    var cached = true
    /// Tolerance over the critical-path bound for the goal.
    var toleranceMilliseconds = 10.0

    static let usage = """
        usage: LoadBenchmark [--rate N] [--ramp S] [--seconds S] [--warmup S] [--posts-per-second N] [--users N]
                             [--uncached] [--pipeline FILE] [--enrich PATH] [--enrich-args "ARGS..."]
        Build first: swift build -c release --product enrich && swift build -c release --product LoadBenchmark
        """

    static func parse(_ arguments: [String]) -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var rest = arguments[...]
        func value(_ name: String) -> String {
            guard let next = rest.popFirst() else { fail("\(name) needs a value") }
            return next
        }
        func number(_ name: String) -> Double {
            let text = value(name)
            guard let parsed = Double(text), parsed > 0 else { fail("\(name) takes a positive number, got `\(text)`") }
            return parsed
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--rate": options.rate = Int(number(argument))
            case "--seconds": options.seconds = min(120, number(argument))
            case "--warmup": options.warmup = number(argument)
            case "--ramp":
                let text = value(argument)
                guard let seconds = Double(text), seconds >= 0 else { fail("--ramp takes a number of seconds (0 for none), got `\(text)`") }
                options.ramp = min(120, seconds)
            case "--posts-per-second": options.postsPerSecond = Int(number(argument))
            case "--users": options.users = Int(number(argument))
            case "--uncached": options.cached = false
            case "--pipeline": options.pipeline = value(argument)
            case "--enrich": options.enrich = value(argument)
            case "--enrich-args": options.enrichArguments = value(argument).split(separator: " ").map(String.init)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown option `\(argument)`")
            }
        }
        if options.warmup >= options.seconds { fail("--warmup must be shorter than --seconds") }
        if options.rate < options.postsPerSecond { options.postsPerSecond = options.rate }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("LoadBenchmark: \(message)\n\(usage)\n".utf8))
        exit(2)
    }
}
