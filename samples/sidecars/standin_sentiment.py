#!/usr/bin/env python3
"""A pure-Python stand-in for hf_sentiment.py: same protocol, no third-party packages.

It scores `inputs.text` with a small word list (deterministic) and answers
{"label": "positive"|"negative"|"neutral", "score": float, "positive": int, "negative": int,
"pid": its process id}.
Requests are answered on worker threads, so many are in flight at once and answers
can come back in any order.

Flags that make it misbehave on purpose (used by enrich's tests):
  --delay-ms N           answer every request after N ms
                         (an input `delay_ms` overrides it for that request)
  --startup-delay-ms N   wait N ms before writing the ready line
  --crash-after N        exit with status 3 on receiving the Nth request (unanswered)
  --garbage-after N      answer the Nth request with a line that is not JSON
  --bad-response-after N answer the Nth request with JSON that has neither output nor error
  --exit-before-ready    print an error on stderr and exit 2 without becoming ready
  --stubborn             ignore end of input and SIGTERM (only SIGKILL stops it)
  --chatter              write a line on stderr per request
  --echo-env NAME        add the environment variable NAME to every output (as `env`)
An input `hang: true` makes that request never answered.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time

POSITIVE = {"good", "great", "love", "excellent", "happy", "thanks", "awesome", "fast", "nice", "perfect", "best", "helpful"}
NEGATIVE = {"bad", "terrible", "hate", "awful", "slow", "broken", "worst", "angry", "refund", "bug", "crash", "never"}


def score(text):
    words = [w.strip(".,!?;:\"'()").lower() for w in text.split()]
    positive = sum(1 for w in words if w in POSITIVE)
    negative = sum(1 for w in words if w in NEGATIVE)
    total = positive + negative
    if total == 0:
        return {"label": "neutral", "score": 0.5, "positive": 0, "negative": 0}
    balance = (positive - negative) / total
    label = "positive" if balance > 0 else "negative" if balance < 0 else "neutral"
    return {"label": label, "score": round(0.5 + abs(balance) / 2, 4), "positive": positive, "negative": negative}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--startup-delay-ms", type=int, default=0)
    parser.add_argument("--crash-after", type=int, default=0)
    parser.add_argument("--garbage-after", type=int, default=0)
    parser.add_argument("--bad-response-after", type=int, default=0)
    parser.add_argument("--exit-before-ready", action="store_true")
    parser.add_argument("--stubborn", action="store_true")
    parser.add_argument("--chatter", action="store_true")
    parser.add_argument("--echo-env", default="")
    parser.add_argument("--model", default="")
    args = parser.parse_args()

    if args.exit_before_ready:
        print("standin_sentiment: refusing to start (--exit-before-ready)", file=sys.stderr, flush=True)
        sys.exit(2)
    if args.stubborn:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if args.startup_delay_ms:
        time.sleep(args.startup_delay_ms / 1000)

    out_lock = threading.Lock()

    def send(line):
        with out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def answer(request_id, inputs):
        delay = inputs.get("delay_ms", args.delay_ms) if isinstance(inputs, dict) else args.delay_ms
        if delay:
            time.sleep(delay / 1000)
        text = inputs.get("text") if isinstance(inputs, dict) else None
        if not isinstance(text, str):
            send(json.dumps({"id": request_id, "error": "input `text` must be a string", "retryable": False}))
            return
        output = score(text)
        output["pid"] = os.getpid()
        if args.echo_env:
            output["env"] = os.environ.get(args.echo_env)
        send(json.dumps({"id": request_id, "output": output}))

    send(json.dumps({"ready": True, "model": args.model or "standin-word-list"}))
    received = 0
    workers = []
    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        received += 1
        request = json.loads(raw)
        request_id = request["id"]
        inputs = request.get("inputs", {})
        if args.chatter:
            print(f"standin_sentiment: request {request_id}", file=sys.stderr, flush=True)
        if args.crash_after and received >= args.crash_after:
            print(f"standin_sentiment: crashing on request {request_id} (--crash-after)", file=sys.stderr, flush=True)
            os._exit(3)
        if args.garbage_after and received == args.garbage_after:
            send("this is not a response")
            continue
        if args.bad_response_after and received == args.bad_response_after:
            send(json.dumps({"id": request_id, "result": "neither output nor error"}))
            continue
        if isinstance(inputs, dict) and inputs.get("hang") is True:
            continue
        worker = threading.Thread(target=answer, args=(request_id, inputs), daemon=True)
        worker.start()
        workers = [w for w in workers if w.is_alive()] + [worker]
    # End of input: finish the requests already taken, then exit.
    for worker in workers:
        worker.join(timeout=10)
    if args.stubborn:
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()
