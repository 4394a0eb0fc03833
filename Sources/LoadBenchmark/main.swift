// Issue 4 item 6: the martech pipeline under a fixed event rate, end to end.
//
// Stand-in APIs on 127.0.0.1 with latency distributions (CRM log-normal p50 80 ms / p99 1.2 s,
// geo 5 ms, ads 20 ms), the release `enrich` binary serving HTTP ingest and delivering to a
// stand-in webhook, events POSTed as NDJSON on a fixed open-loop schedule. Prints offered vs
// sustained rate, end-to-end latency percentiles (scheduled send → acknowledged at the
// webhook) against the plan's critical-path bound, CPU per event of the enrich process,
// ingest 429/503 counts and whether the goal (p99 within 10 ms of the bound) was met.
//
//   swift build -c release --product enrich && swift build -c release --product LoadBenchmark
//   .build/release/LoadBenchmark --rate 5000 --seconds 20
import AsyncHTTPClient
import Dispatch
import EventJSON
import Foundation
import NIOCore
import StandInServers

let options = BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
let report = try await LoadRun(options: options).run()
print(report)
