#!/usr/bin/env python3
"""Generate realistic marketing events (JSON Lines) for the martech samples.

Deterministic for a given --seed. Each event is ~600 bytes: an id, a type
(page_view, signup, purchase, review, support_ticket, email_click), a user id
from a pool of 5,000, a client IP inside the ranges of samples/data/geoip.csv,
free text, an optional campaign id and UTM source, a timestamp and a nested
context object.

    python3 samples/generate_events.py --count 10000 > /tmp/events.jsonl
    python3 samples/generate_events.py --crm-table samples/data/crm_users.csv
"""
import argparse
import csv
import ipaddress
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TYPES = [("page_view", 45), ("email_click", 15), ("purchase", 10), ("signup", 8), ("review", 14), ("support_ticket", 8)]
UTM = ["google", "newsletter", "instagram", "facebook", "partner_blog", "linkedin", None, None]
REVIEWS = [
    "Absolutely love it, the fit is perfect and delivery was fast!",
    "Terrible quality. It broke after two days and support never answered.",
    "It's okay I guess, nothing special but does the job.",
    "GREAT value for the money, would buy again :)",
    "Not bad, but the colour is not what the pictures show.",
    "Worst purchase ever. Completely useless and way too expensive!!!",
    "Pretty good overall, though shipping took longer than promised.",
    "I am very happy with this, my kids love it.",
]
TICKETS = [
    "My order has not arrived and the tracking link is broken, please help.",
    "I was charged twice for the same order, I want a refund now.",
    "How do I change the e-mail address on my account?",
    "The app keeps crashing when I open the checkout page. Really frustrating.",
    "Thanks for the quick fix yesterday, everything works great now.",
]
PAGES = ["Home", "Spring Sale", "Running Shoes - Men", "Checkout", "Order Status", "Gift Cards", "Outdoor Jackets"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
]


def load_ranges():
    ranges = []
    with open(HERE / "data" / "geoip.csv", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            ranges.append((ipaddress.ip_address(row["start_ip"]), ipaddress.ip_address(row["end_ip"])))
    return ranges


def load_campaigns():
    with open(HERE / "data" / "campaigns.csv", newline="") as handle:
        return [row["campaign_id"] for row in csv.DictReader(handle) if row["campaign_id"] != "none"]


def pick_ip(rng, ranges):
    start, end = rng.choice(ranges)
    span = int(end) - int(start)
    return str(ipaddress.ip_address(int(start) + rng.randint(0, min(span, 1 << 20))))


def event(rng, number, ranges, campaigns, start, users=5000):
    kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
    text = {"review": REVIEWS, "support_ticket": TICKETS}.get(kind)
    description = rng.choice(text) if text else f"Viewed page: {rng.choice(PAGES)}"
    record = {
        "id": f"evt_{number:09d}",
        "type": kind,
        "user_id": f"u{rng.randint(1, users):05d}",
        "ip": pick_ip(rng, ranges),
        "description": description,
        "timestamp": (start + timedelta(milliseconds=number * 72)).isoformat().replace("+00:00", "Z"),
        "context": {
            "page_url": f"https://shop.example.com/{rng.choice(PAGES).lower().replace(' ', '-')}",
            "user_agent": rng.choice(AGENTS),
            "locale": rng.choice(["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP"]),
            "session_id": f"s_{rng.getrandbits(48):012x}",
            "referrer": rng.choice(["https://www.google.com/search?q=running+shoes+sale", "https://news.example.org/best-deals-this-week", "https://mail.example.com/", ""]),
            "screen": rng.choice(["1920x1080", "390x844", "1440x900"]),
        },
        "properties": {"cart_value": round(rng.uniform(0, 400), 2), "currency": "USD", "items": rng.randint(0, 6)},
    }
    if rng.random() < 0.7:
        record["campaign_id"] = rng.choice(campaigns)
    source = rng.choice(UTM)
    if source:
        record["utm_source"] = source
    return record


def write_crm_table(path, rng):
    segments = ["vip", "loyal", "regular", "new", "at_risk", "churned"]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "segment", "lifetime_value", "email_opt_in", "country"])
        for user in range(1, 5001):
            writer.writerow([f"u{user:05d}", rng.choices(segments, weights=[5, 20, 40, 20, 10, 5])[0],
                             round(rng.lognormvariate(5, 1.2), 2), rng.random() < 0.7 and "true" or "false",
                             rng.choice(["US", "GB", "DE", "FR", "JP", "CA"])])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=5000, help="size of the user pool (at most 5000)")
    parser.add_argument("--out", default="-", help="output file (default: standard output)")
    parser.add_argument("--crm-table", help="write the CRM users table (CSV) instead of events")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.crm_table:
        write_crm_table(args.crm_table, rng)
        return
    ranges, campaigns = load_ranges(), load_campaigns()
    start = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
    out = sys.stdout if args.out == "-" else open(args.out, "w")
    for number in range(1, args.count + 1):
        out.write(json.dumps(event(rng, number, ranges, campaigns, start, min(5000, max(1, args.users))), separators=(",", ":")) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
