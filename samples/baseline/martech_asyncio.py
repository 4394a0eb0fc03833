#!/usr/bin/env python3
"""The martech DAG as people hand-write it in Python: asyncio, json, gather.

This is the baseline the runtime benchmark compares Enrich against. It runs the
same agents as samples/martech-local.yaml over the same events:

    crm_lookup ─┐
    geocode → ad_attribution ─┼→ priority
    sentiment (reviews, tickets) ┘

with the same data files and VADER for sentiment (pip install vaderSentiment),
one coroutine per agent and asyncio.gather for the independent branches. It
reads JSON Lines on stdin (or --input) and writes enriched JSON Lines.

    python3 samples/baseline/martech_asyncio.py --input events.jsonl > out.jsonl
"""
import argparse
import asyncio
import bisect
import csv
import ipaddress
import json
import sys
import time
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

DATA = Path(__file__).resolve().parent.parent / "data"


def load_table(name, key):
    with open(DATA / name, newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def load_geoip():
    starts, rows = [], []
    with open(DATA / "geoip.csv", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            start = int(ipaddress.ip_address(row["start_ip"]))
            end = int(ipaddress.ip_address(row["end_ip"]))
            version = ipaddress.ip_address(row["start_ip"]).version
            rows.append((version, start, end, row))
    rows.sort(key=lambda item: (item[0], item[1]))
    starts = [(version, start) for version, start, _, _ in rows]
    return starts, rows


CRM = load_table("crm_users.csv", "user_id")
CAMPAIGNS = load_table("campaigns.csv", "campaign_id")
GEO_STARTS, GEO_ROWS = load_geoip()
VADER = SentimentIntensityAnalyzer()


async def crm_lookup(event):
    row = CRM.get(event.get("user_id"))
    if row is None:
        return {}
    return {"crm_segment": row["segment"], "crm_lifetime_value": float(row["lifetime_value"]),
            "crm_email_opt_in": row["email_opt_in"] == "true"}


async def geocode(event):
    try:
        address = ipaddress.ip_address(event.get("ip", ""))
    except ValueError:
        return {}
    value = (address.version, int(address))
    index = bisect.bisect_right(GEO_STARTS, value) - 1
    if index >= 0:
        version, start, end, row = GEO_ROWS[index]
        if version == address.version and start <= int(address) <= end:
            return {"country": row["country"], "city": row["city"]}
    return {}


async def ad_attribution(event, geo):
    row = CAMPAIGNS.get(event.get("campaign_id") or "none")
    if row is None:
        return {}
    return {"channel": row["channel"], "campaign_name": row["campaign_name"], "campaign_country": row["country"]}


async def geocode_then_attribution(event):
    geo = await geocode(event)
    return geo, await ad_attribution(event, geo)


async def sentiment(event):
    if event.get("type") not in ("review", "support_ticket"):
        return {}
    scores = VADER.polarity_scores(event.get("description", ""))
    compound = scores["compound"]
    label = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
    return {"sentiment_label": label, "sentiment_score": compound}


def priority(event, crm, geo, ads, tone):
    return {
        "attributed_channel": ads.get("channel") or event.get("utm_source") or "direct",
        "in_market": ads.get("campaign_country", "") == geo.get("country", "unknown"),
        "high_priority": crm.get("crm_segment", "unknown") == "vip" and crm.get("crm_email_opt_in", False)
        and tone.get("sentiment_label", "neutral") != "negative",
    }


async def enrich(line):
    event = json.loads(line)
    crm, (geo, ads), tone = await asyncio.gather(crm_lookup(event), geocode_then_attribution(event), sentiment(event))
    event.update(crm)
    event.update(geo)
    event.update(ads)
    event.update(tone)
    event.update(priority(event, crm, geo, ads, tone))
    return json.dumps(event)


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", default="-")
    args = parser.parse_args()
    source = sys.stdin if args.input == "-" else open(args.input)
    out = sys.stdout
    started = time.perf_counter()
    count = 0
    for line in source:
        if line.strip():
            out.write(await enrich(line) + "\n")
            count += 1
    elapsed = time.perf_counter() - started
    print(f"python asyncio baseline: {count} events in {elapsed:.2f}s ({count / elapsed:.0f} events/s)", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
