/// The benchmarked pipeline: the martech case with every service over HTTP (stand-ins).
///
/// Worst cases (grammar/README.md; jitter doubles the backoffs): crm 250ms × 2 + 2 × 20ms =
/// 540ms; geo 50ms; ads 100ms; priority 5ms. Critical path crm → priority = 545ms, under the
/// 900ms deadline. The CRM has no `rate_limit` here: a token wait is bounded only by the
/// deadline, not by the critical path, and the stand-in does not limit.
///
/// Sized as a user would for 5,000 events/s: CRM concurrency from Little's law (5,000/s ×
/// ~160 ms mean time in a call, with room for the cold start); breakers that need a real
/// outage (half of the last 200 calls failing), not a few slow answers, to open, and
/// retry after 2 s. With `cached`, geo answers are kept for an hour per IP and ads answers
/// for ten minutes per (campaign, country), as the martech sample keeps its CRM answers.
enum BenchmarkPipeline {
    static func yaml(crm: String, geo: String, ads: String, cached: Bool) -> String {
        let geoCache = cached ? "\n    cache: {ttl: 1h}" : ""
        let adsCache = cached ? "\n    cache: {ttl: 10m}" : ""
        return """
        pipeline: martech_load
        version: 1
        deadline: 900ms
        event:
          id: string
          type: string
          user_id: string
          ip: string
          campaign_id: string?
        agents:
          - name: crm_lookup
            type: http
            method: GET
            url: "\(crm)/users/{event.user_id}"
            body: none
            input:
              user_id: event.user_id
            timeout: 250ms
            retry: {attempts: 2, backoff: 20ms, max_backoff: 50ms, jitter: true}
            fallback: cache
            cache: {ttl: 5m}
            concurrency: 1024
            circuit_breaker: {failures: 100, ratio: 0.5, window: 200, cooldown: 2s}
            output:
              crm_segment: data.segment
              crm_lifetime_value: {path: data.lifetime_value, type: float}
          - name: geocode
            type: http
            method: GET
            url: "\(geo)/ip/{event.ip}"
            body: none
            input:
              ip: event.ip
            timeout: 50ms
            concurrency: 256
            circuit_breaker: {failures: 100, ratio: 0.5, window: 200, cooldown: 2s}\(geoCache)
            output:
              country: country
          - name: ad_attribution
            type: http
            method: POST
            idempotent: true
            url: "\(ads)/attribution"
            input:
              campaign: event.campaign_id ?? "none"
              country: geocode.country ?? "unknown"
            timeout: 100ms
            concurrency: 256
            circuit_breaker: {failures: 100, ratio: 0.5, window: 200, cooldown: 2s}\(adsCache)
            fallback: {default: {channel: "unknown"}}
            output:
              channel: channel
          - name: priority
            type: expr
            timeout: 5ms
            output:
              high_priority: (crm_lookup.crm_segment ?? "unknown") == "vip"
              attributed_channel: ad_attribution.channel ?? "direct"
        """
    }
}
