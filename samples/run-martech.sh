#!/usr/bin/env bash
# Runs the martech case end to end with no external service:
#   10,000 generated events → enrich run samples/martech.yaml → enriched JSON Lines,
# with a local stand-in for the CRM API (samples/standins/crm_api.py) on 127.0.0.1:8081.
# Prints the run summary and the first enriched event. Needs python3 and a built enrich
# (the script builds it with `swift build` if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/enrich-martech.XXXXXX)
count=${EVENTS:-10000}

python3 samples/generate_events.py --count "$count" --users 500 --out "$work/events.jsonl"
export CRM_TOKEN=demo-token
python3 samples/standins/crm_api.py --port 8081 --latency-ms 5 --slow-every 50 --slow-ms 1200 > "$work/crm.log" 2>&1 &
crm=$!
trap 'kill $crm 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "CRM stand-in" "$work/crm.log" 2>/dev/null && break; sleep 0.1; done

# Quiet unless the build fails (dependencies print harmless warnings).
swift build --product enrich > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
.build/debug/enrich run samples/martech.yaml --input "$work/events.jsonl" --output "$work/enriched.jsonl" \
  --state "$work/state.sqlite" --metrics-json "$work/metrics.json"
echo
echo "first enriched event ($work/enriched.jsonl):"
head -n 1 "$work/enriched.jsonl"
echo
echo "statuses: $(grep -o '"status":"[a-z]*"' "$work/enriched.jsonl" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
echo "dead letter: $(wc -l < "$work/enriched.jsonl.dead-letter.jsonl") lines; metrics: $work/metrics.json"
