#!/usr/bin/env python3
"""A stand-in for the CRM API of samples/martech.yaml, for demos and local runs.

Serves GET /users/<user_id> on 127.0.0.1 with the profile from
samples/data/crm_users.csv:

    {"data": {"segment": "vip", "lifetime_value": 812.4, "marketing": {"email_opt_in": true}}}

It checks the `Authorization: Bearer <token>` header against $CRM_TOKEN, answers 404
for unknown users, and can add latency (--latency-ms, with --slow-every N making every
Nth request take --slow-ms) to show caches, timeouts and fallbacks at work.

    python3 samples/standins/crm_api.py --port 8081
"""
import argparse
import csv
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "crm_users.csv"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--latency-ms", type=float, default=5)
    parser.add_argument("--slow-every", type=int, default=0)
    parser.add_argument("--slow-ms", type=float, default=1200)
    args = parser.parse_args()
    with open(DATA, newline="") as handle:
        users = {row["user_id"]: row for row in csv.DictReader(handle)}
    token = os.environ.get("CRM_TOKEN", "")
    requests = count(1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            number = next(requests)
            delay = args.slow_ms if args.slow_every and number % args.slow_every == 0 else args.latency_ms
            time.sleep(delay / 1000)
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                return self.reply(401, {"error": "bad token"})
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or parts[0] != "users":
                return self.reply(404, {"error": "not found"})
            row = users.get(parts[1])
            if row is None:
                return self.reply(404, {"error": "unknown user"})
            self.reply(200, {"data": {"segment": row["segment"], "lifetime_value": float(row["lifetime_value"]),
                                      "marketing": {"email_opt_in": row["email_opt_in"] == "true"}}})

        def reply(self, status, body):
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"CRM stand-in on http://127.0.0.1:{args.port} ({len(users)} users)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
