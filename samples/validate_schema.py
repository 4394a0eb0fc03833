#!/usr/bin/env python3
"""Validate pipeline YAML files against grammar/pipeline.schema.json.

Usage:
    python3 samples/validate_schema.py [--schema PATH] [--format text|github] [--self-test] FILE...

Prints one line per problem, `FILE:LINE:COL: error: PATH: MESSAGE` (or GitHub
Actions annotations with --format github). --self-test checks the schema
against the JSON Schema 2020-12 meta-schema and checks that a set of
deliberately wrong documents is rejected (and a few right ones accepted).

Exit status: 0 all files valid, 1 a file (or the self-test) failed,
2 usage or I/O problem.

The schema checks shape only; `enrich lint` is the authority. YAML is read as
YAML 1.1 (as libyaml does) except that timestamps stay strings, and duplicate
keys are reported (PyYAML would silently keep the last one).

Needs: PyYAML and jsonschema 4 (pip install pyyaml jsonschema).
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys

try:
    import yaml
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError as e:  # pragma: no cover
    sys.exit(f"validate_schema.py needs PyYAML and jsonschema: {e}")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "grammar", "pipeline.schema.json")


# --------------------------------------------------------------------------
# YAML with positions
# --------------------------------------------------------------------------

class Loader(yaml.SafeLoader):
    """YAML 1.1 like libyaml, but timestamps stay strings (JSON has none)."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Document:
    """A parsed YAML document with the position of every value and key."""

    def __init__(self, text):
        self.values = {}      # path tuple -> (line, col) of the value
        self.keys = {}        # path tuple -> (line, col) of the key naming it
        self.duplicates = []  # (path, line, col)
        loader = Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                self._walk(node, (), 0)
            self.data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()

    def _walk(self, node, path, depth):
        if depth > 256:
            return
        self.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else repr(k.value)
                if key in seen and key != "<<":
                    self.duplicates.append((path + (key,), k.start_mark.line + 1, k.start_mark.column + 1))
                seen.add(key)
                self.keys.setdefault(path + (key,), (k.start_mark.line + 1, k.start_mark.column + 1))
                self._walk(v, path + (key,), depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                self._walk(v, path + (i,), depth + 1)

    def position(self, path, key=False):
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))


def show_path(path):
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


# --------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------

def _pick(err):
    """The most telling error inside an anyOf/oneOf failure: prefer a branch
    that got past the type check, then the deepest one."""
    if not err.context:
        return err
    ctx = list(err.context)
    informative = [c for c in ctx if c.validator != "type"]
    pool = informative or ctx
    if not informative:
        return err  # only type mismatches: the parent message lists the options
    best = max(pool, key=lambda c: (len(c.absolute_path), c.validator not in ("anyOf", "oneOf")))
    return _pick(best)


def _suggest(word, options):
    by_lower = {str(o).lower(): str(o) for o in options}
    m = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean '{by_lower[m[0]]}'?)" if m else ""


def explain(err):
    """-> list of (path, is_key, message)"""
    e = _pick(err)
    path = list(e.absolute_path)
    schema = e.schema if isinstance(e.schema, dict) else {}
    v = e.validator
    if v == "additionalProperties" and isinstance(e.instance, dict):
        allowed = list(schema.get("properties", {}))
        out = []
        for k in e.instance:
            if k not in allowed:
                out.append((path + [k], True, f"unknown key '{k}'{_suggest(k, allowed)}"))
        if out:
            return out
    if v == "required":
        missing = e.message.split("'")[1] if "'" in e.message else e.message
        return [(path, False, f"missing required key '{missing}'")]
    if v == "pattern":
        what = schema.get("patternErrorMessage")
        if what:
            return [(path, False, f"{e.instance!r} is not {what}")]
    if v == "enum":
        return [(path, False, f"{e.instance!r} is not one of {', '.join(map(str, e.validator_value))}"
                 f"{_suggest(e.instance, e.validator_value)}")]
    if v == "not" and "errorMessage" in schema:
        # {"not": {}} marks a key that is not allowed in this context
        return [(path, schema.get("not") == {}, schema["errorMessage"].replace("`", "'"))]
    if v in ("anyOf", "oneOf"):
        opts = []
        for sub in e.validator_value:
            if isinstance(sub, dict):
                t = sub.get("type") or sub.get("$ref", "").rsplit("/", 1)[-1]
                opts.append(t if isinstance(t, str) else "/".join(t))
        return [(path, False, f"{e.instance!r} has the wrong type (expected {' or '.join(map(str, opts))})")]
    return [(path, False, e.message)]


def validate_text(validator, text):
    """-> list of (line, col, path_str, message); raises yaml.YAMLError."""
    doc = Document(text)
    problems = []
    for path, line, col in doc.duplicates:
        problems.append((line, col, show_path(path), f"duplicate key '{path[-1]}'"))
    if doc.data is None:
        problems.append((1, 1, "(document)", "empty file: a pipeline needs at least `agents:`"))
        return problems
    try:
        json.dumps(doc.data)
    except (TypeError, ValueError) as exc:
        problems.append((1, 1, "(document)", f"not representable as JSON: {exc}"))
        return problems
    seen = set()
    for err in validator.iter_errors(doc.data):
        for path, is_key, msg in explain(err):
            line, col = doc.position(path, key=is_key)
            item = (line, col, show_path(path), msg)
            if item not in seen:
                seen.add(item)
                problems.append(item)
    problems.sort()
    return problems


def load_validator(schema_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


# --------------------------------------------------------------------------
# Self-test
# --------------------------------------------------------------------------

GOOD = {
    "agents only (seed form)": """\
agents:
- name: crm_lookup
  type: function
  timeout: 2s
  retry: 2
  fallback: cache
  input:
    user_id: event.user_id
  output:
    crm_segment: segment
""",
    "every key": """\
pipeline: p
version: "1.2"
description: d
deadline: 1m30s
event: {a: string, b: {type: "int?", description: x}}
dedup: {key: event.a, window: 0}
agents:
  - {name: h, type: http, url: "https://x.example/{event.a}", method: POST, body: none,
     headers: {X-N: 1, Authorization: "Bearer {env.T}"}, idempotent: true, allow_hosts: [x.example],
     input: {n: 1, f: 1.5, b: true, z: null, s: "'lit'"}, when: true, after: [l],
     timeout: 250ms, retry: {attempts: 3, backoff: 10ms, max_backoff: 1s, jitter: false},
     fallback: {default: {f: 0.5, g: [1, 2]}}, cache: {key: event.a, ttl: 5m},
     rate_limit: 10/m, concurrency: 1, emit: false, output: {f: a.b, g: {path: c, type: "json?"}}}
  - {name: l, type: lookup, table: t.sqlite, sql_table: t, key: id, input: {key: event.a}}
  - {name: g, type: geoip, database: g.csv, input: {ip: event.ip}}
  - {name: s, type: sentiment, lexicon: l.txt, input: {text: event.t}}
  - {name: p, type: process, command: [python3, w.py], env: {K: "{env.K}"}}
  - {name: m, type: local_llm, model: x/y, command: [srv]}
  - {name: e, type: expr, output: {x: "1 + 2", y: 3, z: true}}
  - {name: f, type: function, function: my_fn}
source: {type: file, path: in.jsonl}
sink: {type: webhook, url: "https://hooks.example/x", batch_size: 10, linger: 50ms}
""",
}

BAD = [
    # (description, document, expected fragment of a message)
    ("unknown top-level key", "pipline: x\nagents: []\n", "unknown key 'pipline' (did you mean 'pipeline'?)"),
    ("unknown agent key", "agents:\n- {name: a, type: expr, timout: 1s}\n", "unknown key 'timout' (did you mean 'timeout'?)"),
    ("http without url", "agents:\n- {name: a, type: http}\n", "missing required key 'url'"),
    ("bad duration 1.5s", "agents:\n- {name: a, type: expr, timeout: 1.5s}\n", "is not a duration"),
    ("bad duration with space", "deadline: 2 seconds\nagents: []\n", "is not a duration"),
    ("negative duration", "agents:\n- {name: a, type: expr, timeout: -1s}\n", "is not a duration"),
    ("missing agents", "pipeline: x\n", "missing required key 'agents'"),
    ("unknown agent type", "agents:\n- {name: a, type: htp}\n", "did you mean 'http'?"),
    ("missing agent name", "agents:\n- {type: expr}\n", "missing required key 'name'"),
    ("bad agent name", "agents:\n- {name: Crm-Lookup, type: expr}\n", "is not an identifier"),
    ("reserved agent name", "agents:\n- {name: event, type: expr}\n", "cannot name an agent"),
    ("key of another type", "agents:\n- {name: a, type: geoip, database: g.csv, input: {ip: event.ip}, url: x}\n", "unknown key 'url'"),
    ("geoip without ip input", "agents:\n- {name: a, type: geoip, database: g.csv, input: {addr: event.ip}}\n", "missing required key 'ip'"),
    ("lookup without key", "agents:\n- {name: a, type: lookup, table: t.csv, input: {key: event.a}}\n", "missing required key 'key'"),
    ("lookup table extension", "agents:\n- {name: a, type: lookup, table: t.json, key: id, input: {key: event.a}}\n", "ending in .csv, .sqlite or .db"),
    ("sql_table on a CSV", "agents:\n- {name: a, type: lookup, table: t.csv, sql_table: t, key: id, input: {key: event.a}}\n", "needs a SQLite table"),
    ("process without command", "agents:\n- {name: a, type: process}\n", "missing required key 'command'"),
    ("local_llm without model", "agents:\n- {name: a, type: local_llm}\n", "missing required key 'model'"),
    ("bad method", "agents:\n- {name: a, type: http, url: 'https://x', method: get}\n", "did you mean 'GET'?"),
    ("url without scheme", "agents:\n- {name: a, type: http, url: 'x.example/a'}\n", "is not an http:// or https:// URL"),
    ("retry attempts 0", "agents:\n- {name: a, type: expr, retry: {attempts: 0}}\n", "less than the minimum of 1"),
    ("retry negative", "agents:\n- {name: a, type: expr, retry: -1}\n", "less than the minimum of 0"),
    ("retry unknown key", "agents:\n- {name: a, type: expr, retry: {attempts: 2, delay: 1s}}\n", "unknown key 'delay'"),
    ("fallback typo", "agents:\n- {name: a, type: expr, fallback: cach}\n", "did you mean 'cache'?"),
    ("fallback default empty", "agents:\n- {name: a, type: expr, fallback: {default: {}}}\n", "should be non-empty"),
    ("cache without ttl", "agents:\n- {name: a, type: expr, cache: {key: event.a}}\n", "missing required key 'ttl'"),
    ("bad rate limit", "agents:\n- {name: a, type: expr, rate_limit: 100/sec}\n", "is not a rate"),
    ("concurrency 0", "agents:\n- {name: a, type: expr, concurrency: 0}\n", "less than the minimum of 1"),
    ("when is a number", "agents:\n- {name: a, type: expr, when: 42}\n", "is not of type 'string', 'boolean'"),
    ("expression is a list", "agents:\n- {name: a, type: expr, input: {x: [1, 2]}}\n", "is not of type"),
    ("bad event type", "event: {a: strng}\nagents: []\n", "is not a type"),
    ("event long form unknown key", "event: {a: {type: string, doc: x}}\nagents: []\n", "unknown key 'doc'"),
    ("output without path", "agents:\n- {name: a, type: lookup, table: t.csv, key: id, input: {key: event.a}, output: {x: {type: string}}}\n", "missing required key 'path'"),
    ("bad output field name", "agents:\n- {name: a, type: expr, output: {my-field: 1}}\n", "is not a field name"),
    ("after duplicates", "agents:\n- {name: a, type: expr, after: [b, b]}\n", "non-unique"),
    ("dedup without window", "dedup: {key: event.id}\nagents: []\n", "missing required key 'window'"),
    ("source stdin with path", "source: {type: stdin, path: x}\nagents: []\n", "'path' is only allowed with 'type: file'"),
    ("webhook without url", "sink: {type: webhook}\nagents: []\n", "missing required key 'url'"),
    ("duplicate key", "agents: []\nagents: []\n", "duplicate key 'agents'"),
    ("version is a float", "version: 1.5\nagents: []\n", "is not of type 'integer', 'string'"),
]


def self_test(validator):
    failures = 0
    for name, text in GOOD.items():
        problems = validate_text(validator, text)
        if problems:
            failures += 1
            print(f"self-test: FAIL: valid document '{name}' was rejected:")
            for line, col, path, msg in problems:
                print(f"    {line}:{col}: {path}: {msg}")
    for name, text, expected in BAD:
        problems = validate_text(validator, text)
        if not any(expected in msg for _, _, _, msg in problems):
            failures += 1
            got = "; ".join(f"{p}: {m}" for _, _, p, m in problems) or "no error"
            print(f"self-test: FAIL: '{name}': expected an error containing {expected!r}, got: {got}")
    total = len(GOOD) + len(BAD)
    print(f"self-test: {total - failures}/{total} cases passed")
    return failures == 0


# --------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="Validate Enrich pipeline files against the JSON Schema.")
    ap.add_argument("files", nargs="*", metavar="FILE")
    ap.add_argument("--schema", default=DEFAULT_SCHEMA, help="path of pipeline.schema.json")
    ap.add_argument("--format", choices=("text", "github"), default="text")
    ap.add_argument("--self-test", action="store_true", help="check the schema against known-good and known-bad documents")
    args = ap.parse_args(argv)
    if not args.files and not args.self_test:
        ap.print_usage(sys.stderr)
        print("validate_schema.py: error: give FILE arguments and/or --self-test", file=sys.stderr)
        return 2
    try:
        validator = load_validator(args.schema)
    except OSError as e:
        print(f"validate_schema.py: cannot read schema: {e}", file=sys.stderr)
        return 2
    except (ValueError, SchemaError) as e:
        print(f"{args.schema}: error: not a valid JSON Schema 2020-12 document: {str(e).splitlines()[0]}")
        return 1

    ok, io_problem = True, False
    if args.self_test:
        ok = self_test(validator)
    for path in args.files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            print(f"{path}: error: cannot read: {e}", file=sys.stderr)
            io_problem = True
            continue
        try:
            problems = validate_text(validator, text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            what = " ".join(filter(None, [getattr(e, "context", None), getattr(e, "problem", None)])) or str(e)
            problems = [(line, col, "(document)", "YAML syntax: " + " ".join(what.split()))]
        for line, col, where, msg in problems:
            if args.format == "github":
                print(f"::error file={path},line={line},col={col}::{where}: {msg}")
            else:
                print(f"{path}:{line}:{col}: error: {where}: {msg}")
        if problems:
            ok = False
        elif args.format == "text":
            print(f"{path}: ok")
    if not ok:
        return 1
    return 2 if io_problem else 0


if __name__ == "__main__":
    sys.exit(main())
