#!/usr/bin/env python3
"""Writes samples/data/geoip.csv, the IP-range database of the sample `geoip` agents.

SYNTHETIC TEST DATA, NOT REAL GEOLOCATION. The cities and their coordinates are real
places, but which address block maps to which city is made up: the blocks are drawn at
random (seeded, so the output is the same on every run) from

  - the documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
    RFC 3849: 2001:db8::/32),
  - private and shared ranges (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16;
    RFC 6598: 100.64.0.0/10; RFC 4193 unique-local: fd00::/8),
  - and invented "public" blocks in a few IPv4 /8s and IPv6 /16s that belong to real
    networks elsewhere. Never use this file to locate anyone.

The first 40 rows (the documentation ranges) are the hand-written rows the samples and
tests have used from the start; they are kept as they were.

Format (what GeoIPAgent reads): a header `start_ip,end_ip,country,region,city,latitude,
longitude`, then one inclusive range per row, start and end of the same family, no two
ranges overlapping. Rows are sorted by start address (IPv4 first).

    python3 samples/data/generate_geoip.py            # rewrites samples/data/geoip.csv
    python3 samples/data/generate_geoip.py -o out.csv --seed 7 --count 5000
"""
import argparse
import csv
import ipaddress
import os
import random
import sys

HEADER = ["start_ip", "end_ip", "country", "region", "city", "latitude", "longitude"]

# The original hand-written rows, verbatim.
KEPT_ROWS = """\
192.0.2.0,192.0.2.31,US,California,San Francisco,37.7749,-122.4194
192.0.2.32,192.0.2.63,US,New York,New York,40.7128,-74.0060
192.0.2.64,192.0.2.95,US,Texas,Austin,30.2672,-97.7431
192.0.2.96,192.0.2.127,US,Illinois,Chicago,41.8781,-87.6298
192.0.2.128,192.0.2.159,CA,Ontario,Toronto,43.6532,-79.3832
192.0.2.160,192.0.2.191,CA,British Columbia,Vancouver,49.2827,-123.1207
192.0.2.192,192.0.2.223,MX,Ciudad de México,Mexico City,19.4326,-99.1332
192.0.2.224,192.0.2.255,BR,São Paulo,São Paulo,-23.5505,-46.6333
198.51.100.0,198.51.100.31,GB,England,London,51.5074,-0.1278
198.51.100.32,198.51.100.63,GB,Scotland,Edinburgh,55.9533,-3.1883
198.51.100.64,198.51.100.95,IE,Leinster,Dublin,53.3498,-6.2603
198.51.100.96,198.51.100.127,FR,Île-de-France,Paris,48.8566,2.3522
198.51.100.128,198.51.100.159,DE,Berlin,Berlin,52.5200,13.4050
198.51.100.160,198.51.100.191,DE,Bavaria,Munich,48.1351,11.5820
198.51.100.192,198.51.100.223,NL,North Holland,Amsterdam,52.3676,4.9041
198.51.100.224,198.51.100.255,ES,Community of Madrid,Madrid,40.4168,-3.7038
203.0.113.0,203.0.113.31,JP,Tokyo,Tokyo,35.6762,139.6503
203.0.113.32,203.0.113.63,JP,Osaka,Osaka,34.6937,135.5023
203.0.113.64,203.0.113.95,SG,Central Singapore,Singapore,1.3521,103.8198
203.0.113.96,203.0.113.127,IN,Maharashtra,Mumbai,19.0760,72.8777
203.0.113.128,203.0.113.159,IN,Karnataka,Bengaluru,12.9716,77.5946
203.0.113.160,203.0.113.191,AU,New South Wales,Sydney,-33.8688,151.2093
203.0.113.192,203.0.113.223,AU,Victoria,Melbourne,-37.8136,144.9631
203.0.113.224,203.0.113.255,NZ,Auckland,Auckland,-36.8485,174.7633
2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,US,California,Los Angeles,34.0522,-118.2437
2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,US,Washington,Seattle,47.6062,-122.3321
2001:db8:2::,2001:db8:2:ffff:ffff:ffff:ffff:ffff,US,Massachusetts,Boston,42.3601,-71.0589
2001:db8:3::,2001:db8:3:ffff:ffff:ffff:ffff:ffff,CA,Quebec,Montreal,45.5017,-73.5673
2001:db8:4::,2001:db8:4:ffff:ffff:ffff:ffff:ffff,GB,England,Manchester,53.4808,-2.2426
2001:db8:5::,2001:db8:5:ffff:ffff:ffff:ffff:ffff,FR,Auvergne-Rhône-Alpes,Lyon,45.7640,4.8357
2001:db8:6::,2001:db8:6:ffff:ffff:ffff:ffff:ffff,DE,Hesse,Frankfurt am Main,50.1109,8.6821
2001:db8:7::,2001:db8:7:ffff:ffff:ffff:ffff:ffff,IT,Lombardy,Milan,45.4642,9.1900
2001:db8:8::,2001:db8:8:ffff:ffff:ffff:ffff:ffff,SE,Stockholm County,Stockholm,59.3293,18.0686
2001:db8:9::,2001:db8:9:ffff:ffff:ffff:ffff:ffff,PL,Masovian,Warsaw,52.2297,21.0122
2001:db8:a::,2001:db8:a:ffff:ffff:ffff:ffff:ffff,KR,Seoul,Seoul,37.5665,126.9780
2001:db8:b::,2001:db8:b:ffff:ffff:ffff:ffff:ffff,JP,Kanagawa,Yokohama,35.4437,139.6380
2001:db8:c::,2001:db8:c:ffff:ffff:ffff:ffff:ffff,ZA,Western Cape,Cape Town,-33.9249,18.4241
2001:db8:d::,2001:db8:d:ffff:ffff:ffff:ffff:ffff,AE,Dubai,Dubai,25.2048,55.2708
2001:db8:e::,2001:db8:e:ffff:ffff:ffff:ffff:ffff,BR,Rio de Janeiro,Rio de Janeiro,-22.9068,-43.1729
2001:db8:f::,2001:db8:f:ffff:ffff:ffff:ffff:ffff,AR,Buenos Aires,Buenos Aires,-34.6037,-58.3816
"""

# Real cities with their real coordinates (country, region, city, latitude, longitude).
CITIES = [
    ("US", "California", "San Francisco", 37.7749, -122.4194),
    ("US", "California", "Los Angeles", 34.0522, -118.2437),
    ("US", "California", "San Diego", 32.7157, -117.1611),
    ("US", "New York", "New York", 40.7128, -74.0060),
    ("US", "Texas", "Austin", 30.2672, -97.7431),
    ("US", "Texas", "Houston", 29.7604, -95.3698),
    ("US", "Illinois", "Chicago", 41.8781, -87.6298),
    ("US", "Washington", "Seattle", 47.6062, -122.3321),
    ("US", "Massachusetts", "Boston", 42.3601, -71.0589),
    ("US", "Georgia", "Atlanta", 33.7490, -84.3880),
    ("US", "Colorado", "Denver", 39.7392, -104.9903),
    ("US", "Florida", "Miami", 25.7617, -80.1918),
    ("US", "District of Columbia", "Washington, D.C.", 38.9072, -77.0369),
    ("CA", "Ontario", "Toronto", 43.6532, -79.3832),
    ("CA", "Quebec", "Montreal", 45.5017, -73.5673),
    ("CA", "British Columbia", "Vancouver", 49.2827, -123.1207),
    ("MX", "Ciudad de México", "Mexico City", 19.4326, -99.1332),
    ("MX", "Jalisco", "Guadalajara", 20.6597, -103.3496),
    ("BR", "São Paulo", "São Paulo", -23.5505, -46.6333),
    ("BR", "Rio de Janeiro", "Rio de Janeiro", -22.9068, -43.1729),
    ("AR", "Buenos Aires", "Buenos Aires", -34.6037, -58.3816),
    ("CL", "Santiago Metropolitan", "Santiago", -33.4489, -70.6693),
    ("CO", "Bogotá D.C.", "Bogotá", 4.7110, -74.0721),
    ("GB", "England", "London", 51.5074, -0.1278),
    ("GB", "England", "Manchester", 53.4808, -2.2426),
    ("GB", "Scotland", "Edinburgh", 55.9533, -3.1883),
    ("IE", "Leinster", "Dublin", 53.3498, -6.2603),
    ("FR", "Île-de-France", "Paris", 48.8566, 2.3522),
    ("FR", "Auvergne-Rhône-Alpes", "Lyon", 45.7640, 4.8357),
    ("DE", "Berlin", "Berlin", 52.5200, 13.4050),
    ("DE", "Bavaria", "Munich", 48.1351, 11.5820),
    ("DE", "Hesse", "Frankfurt am Main", 50.1109, 8.6821),
    ("DE", "Hamburg", "Hamburg", 53.5511, 9.9937),
    ("NL", "North Holland", "Amsterdam", 52.3676, 4.9041),
    ("BE", "Brussels-Capital", "Brussels", 50.8503, 4.3517),
    ("ES", "Community of Madrid", "Madrid", 40.4168, -3.7038),
    ("ES", "Catalonia", "Barcelona", 41.3874, 2.1686),
    ("PT", "Lisbon", "Lisbon", 38.7223, -9.1393),
    ("IT", "Lombardy", "Milan", 45.4642, 9.1900),
    ("IT", "Lazio", "Rome", 41.9028, 12.4964),
    ("CH", "Zurich", "Zurich", 47.3769, 8.5417),
    ("AT", "Vienna", "Vienna", 48.2082, 16.3738),
    ("SE", "Stockholm County", "Stockholm", 59.3293, 18.0686),
    ("NO", "Oslo", "Oslo", 59.9139, 10.7522),
    ("DK", "Capital Region", "Copenhagen", 55.6761, 12.5683),
    ("FI", "Uusimaa", "Helsinki", 60.1699, 24.9384),
    ("PL", "Masovian", "Warsaw", 52.2297, 21.0122),
    ("CZ", "Prague", "Prague", 50.0755, 14.4378),
    ("TR", "Istanbul", "Istanbul", 41.0082, 28.9784),
    ("AE", "Dubai", "Dubai", 25.2048, 55.2708),
    ("IL", "Tel Aviv", "Tel Aviv", 32.0853, 34.7818),
    ("ZA", "Western Cape", "Cape Town", -33.9249, 18.4241),
    ("ZA", "Gauteng", "Johannesburg", -26.2041, 28.0473),
    ("NG", "Lagos", "Lagos", 6.5244, 3.3792),
    ("KE", "Nairobi", "Nairobi", -1.2921, 36.8219),
    ("EG", "Cairo", "Cairo", 30.0444, 31.2357),
    ("IN", "Maharashtra", "Mumbai", 19.0760, 72.8777),
    ("IN", "Karnataka", "Bengaluru", 12.9716, 77.5946),
    ("IN", "Delhi", "New Delhi", 28.6139, 77.2090),
    ("SG", "Central Singapore", "Singapore", 1.3521, 103.8198),
    ("ID", "Jakarta", "Jakarta", -6.2088, 106.8456),
    ("TH", "Bangkok", "Bangkok", 13.7563, 100.5018),
    ("VN", "Ho Chi Minh City", "Ho Chi Minh City", 10.8231, 106.6297),
    ("PH", "Metro Manila", "Manila", 14.5995, 120.9842),
    ("HK", "Hong Kong", "Hong Kong", 22.3193, 114.1694),
    ("TW", "Taipei", "Taipei", 25.0330, 121.5654),
    ("KR", "Seoul", "Seoul", 37.5665, 126.9780),
    ("JP", "Tokyo", "Tokyo", 35.6762, 139.6503),
    ("JP", "Osaka", "Osaka", 34.6937, 135.5023),
    ("JP", "Kanagawa", "Yokohama", 35.4437, 139.6380),
    ("AU", "New South Wales", "Sydney", -33.8688, 151.2093),
    ("AU", "Victoria", "Melbourne", -37.8136, 144.9631),
    ("AU", "Queensland", "Brisbane", -27.4698, 153.0251),
    ("NZ", "Auckland", "Auckland", -36.8485, 174.7633),
]

# (parent network, share of the generated rows, prefix lengths of its blocks)
POOLS = [
    ("10.0.0.0/8", 0.27, range(16, 25)),
    ("172.16.0.0/12", 0.09, range(18, 26)),
    ("192.168.0.0/16", 0.08, range(22, 28)),
    ("100.64.0.0/10", 0.05, range(16, 24)),
    # invented "public" IPv4 blocks
    ("5.0.0.0/8", 0.04, range(16, 24)),
    ("31.0.0.0/8", 0.04, range(16, 24)),
    ("45.0.0.0/8", 0.04, range(17, 24)),
    ("81.0.0.0/8", 0.04, range(16, 24)),
    ("151.0.0.0/8", 0.04, range(16, 24)),
    ("185.0.0.0/8", 0.04, range(20, 25)),
    ("212.0.0.0/8", 0.04, range(16, 24)),
    # IPv6: the documentation prefix beyond the 16 kept /48s, unique-local, invented "public"
    ("2001:db8:10::/44", 0.03, range(52, 61)),
    ("2001:db8:100::/40", 0.05, range(48, 57)),
    ("fd00::/8", 0.07, range(48, 49)),
    ("2a02::/16", 0.03, range(32, 49)),
    ("2a0b::/16", 0.03, range(32, 49)),
    ("2c0f::/16", 0.02, range(32, 49)),
]


def carve(rng, network, count, prefixes):
    """`count` non-overlapping, ascending blocks inside `network`, with random gaps
    (narrower gaps when wide ones would run out of room)."""
    for spread in (1.0, 0.5, 0.25, 0.1, 0.0):
        blocks = carve_once(rng, network, count, prefixes, spread)
        if len(blocks) == count:
            break
    return blocks


def carve_once(rng, network, count, prefixes, spread):
    network = ipaddress.ip_network(network)
    bits = network.max_prefixlen
    first, last = int(network.network_address), int(network.broadcast_address)
    prefixes = list(prefixes)
    # Average block size and the gap that spreads `count` blocks over the network.
    average = sum(1 << (bits - p) for p in prefixes) // len(prefixes)
    spare = max(0, (last - first + 1) - count * average)
    blocks, cursor = [], first
    for _ in range(count):
        size = 1 << (bits - rng.choice(prefixes))
        if bits == 32 and rng.random() < 0.15:
            size = rng.randint(size // 2, size) or 1  # an odd-sized range now and then
        cursor += rng.randint(0, int(spread * spare) // max(count, 1))
        align = 1 << (size.bit_length() - 1)
        cursor = (cursor + align - 1) // align * align
        if cursor + size - 1 > last:
            break
        blocks.append((cursor, cursor + size - 1))
        cursor += size
    return blocks


def address(value, version):
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def generate(seed, count):
    rng = random.Random(seed)
    rows = [(ipaddress.ip_address(r[0]), r) for r in csv.reader(KEPT_ROWS.splitlines())]
    remaining = count - len(rows)
    for network, share, prefixes in POOLS:
        version = ipaddress.ip_network(network).version
        for start, end in carve(rng, network, round(remaining * share), prefixes):
            country, region, city, latitude, longitude = rng.choice(CITIES)
            latitude += rng.uniform(-0.08, 0.08)
            longitude += rng.uniform(-0.08, 0.08)
            row = [address(start, version), address(end, version), country, region, city,
                   f"{latitude:.4f}", f"{longitude:.4f}"]
            rows.append((ipaddress.ip_address(row[0]), row))
    # IPv4 first (it sorts as ::ffff:0:0/96 would), then IPv6, each by start address.
    rows.sort(key=lambda item: (item[0].version, int(item[0])))
    check(rows)
    return [row for _, row in rows]


def check(rows):
    previous = None
    for start, row in rows:
        end = ipaddress.ip_address(row[1])
        assert start.version == end.version and int(start) <= int(end), row
        if previous is not None and previous[0].version == start.version:
            assert int(start) > int(previous[1]), (previous, row)
        previous = (start, end)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("-o", "--output", default=os.path.join(here, "geoip.csv"))
    parser.add_argument("--seed", type=int, default=20240603)
    parser.add_argument("--count", type=int, default=2000, help="about how many ranges")
    args = parser.parse_args()
    rows = generate(args.seed, args.count)
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} ranges to {args.output} ({os.path.getsize(args.output)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
