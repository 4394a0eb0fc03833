#!/usr/bin/env python3
"""Check expressions in pipeline files against grammar/expressions.ebnf.

The grammar file itself is interpreted (no hand-written parser), so this checks
the grammar as much as the pipelines:

  * the EBNF is well formed: every symbol used is defined, every symbol
    defined is reachable from the entry points;
  * every expression (input values, `when`, expr outputs, `dedup.key`,
    `cache.key`) parses with ExpressionText, and every interpolated string
    (http `url` and `headers`, process `env`, and any other string value
    holding `{`) parses with Template, each with exactly one parse tree;
  * with --self-test: precedence, associativity and error cases.

Usage:
    python3 samples/check_expressions.py [--grammar PATH] [--self-test] FILE...

Exit status: 0 if all is well, 1 if an expression or the grammar is wrong,
2 for a usage or I/O problem. Only the semantic-free syntax is checked here;
`enrich lint` is the authority on names, types and the graph.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check_expressions.py needs PyYAML (pip install pyyaml)")

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GRAMMAR = os.path.join(HERE, "..", "grammar", "expressions.ebnf")
ENTRY_POINTS = ("ExpressionText", "Template")


# --------------------------------------------------------------------------
# W3C EBNF reader
# --------------------------------------------------------------------------

class GrammarError(Exception):
    pass


TOKEN_RE = re.compile(r"""
      (?P<ws>\s+)
    | (?P<comment>/\*.*?\*/)
    | (?P<define>::=)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<lit>'[^']*'|"[^"]*")
    | (?P<cls>\[\^?(?:[^\]])+\])
    | (?P<hex>\#x[0-9A-Fa-f]+)
    | (?P<op>[|?*+()\-])
""", re.S | re.X)


def parse_class(text):
    """'[^a-z#x20]' -> (negated, [(lo, hi), ...])"""
    body = text[1:-1]
    negated = body.startswith("^")
    if negated:
        body = body[1:]
    chars = []
    i = 0
    while i < len(body):
        m = re.match(r"#x([0-9A-Fa-f]+)", body[i:])
        if m:
            chars.append(chr(int(m.group(1), 16)))
            i += m.end()
        else:
            chars.append(body[i])
            i += 1
    ranges = []
    j = 0
    while j < len(chars):
        if j + 2 < len(chars) and chars[j + 1] == "-":
            ranges.append((chars[j], chars[j + 2]))
            j += 3
        else:
            ranges.append((chars[j], chars[j]))
            j += 1
    return negated, ranges


def read_grammar(path):
    """Returns ({name: ast}, {name: mode}, [names in order]); mode is 'tokens' or 'chars'."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    toks = []  # (kind, value, pos)
    mode = None
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            line = text.count("\n", 0, pos) + 1
            raise GrammarError(f"{path}:{line}: cannot read EBNF at {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        if kind == "comment":
            c = m.group()
            if "(over tokens" in c:
                mode = "tokens"
            elif "(over characters" in c:
                mode = "chars"
        elif kind != "ws":
            toks.append((kind, m.group(), m.start(), mode))
        pos = m.end()

    # split into productions: NAME ::= ... up to the next NAME ::=
    rules, modes, order = {}, {}, []
    starts = [i for i in range(len(toks) - 1) if toks[i][0] == "name" and toks[i + 1][0] == "define"]
    if not starts or starts[0] != 0:
        raise GrammarError(f"{path}: expected a production at the start")
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(toks)
        name = toks[i][1]
        if name in rules:
            raise GrammarError(f"{path}: {name} is defined twice")
        if toks[i][3] is None:
            raise GrammarError(f"{path}: {name} is not in a section marked (over tokens) or (over characters)")
        body = toks[i + 2:end]
        p = _Parser(body, path, text)
        ast = p.alt()
        if p.i != len(body):
            raise GrammarError(f"{path}: {name}: unexpected {body[p.i][1]!r}")
        rules[name], modes[name] = ast, toks[i][3]
        order.append(name)
    return rules, modes, order


class _Parser:
    def __init__(self, toks, path, text):
        self.t, self.i, self.path, self.text = toks, 0, path, text

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None, None, None)

    def alt(self):
        items = [self.seq()]
        while self.peek()[1] == "|":
            self.i += 1
            items.append(self.seq())
        return items[0] if len(items) == 1 else ("alt", items)

    def seq(self):
        items = []
        while self.peek()[0] is not None and self.peek()[1] not in ("|", ")"):
            items.append(self.diff())
        if not items:
            raise GrammarError(f"{self.path}: empty alternative")
        return items[0] if len(items) == 1 else ("seq", items)

    def diff(self):
        a = self.postfix()
        if self.peek()[1] == "-":
            self.i += 1
            return ("diff", a, self.postfix())
        return a

    def postfix(self):
        a = self.primary()
        while self.peek()[1] in ("?", "*", "+"):
            a = ({"?": "opt", "*": "star", "+": "plus"}[self.peek()[1]], a)
            self.i += 1
        return a

    def primary(self):
        kind, val, _, _ = self.peek()
        self.i += 1
        if kind == "name":
            return ("ref", val)
        if kind == "lit":
            return ("lit", val[1:-1])
        if kind == "cls":
            return ("cls",) + parse_class(val)
        if kind == "hex":
            c = chr(int(val[2:], 16))
            return ("cls", False, [(c, c)])
        if val == "(":
            a = self.alt()
            if self.peek()[1] != ")":
                raise GrammarError(f"{self.path}: missing ')'")
            self.i += 1
            return a
        raise GrammarError(f"{self.path}: unexpected {val!r}")


def refs(ast):
    k = ast[0]
    if k == "ref":
        yield ast[1]
    elif k in ("alt", "seq"):
        for x in ast[1]:
            yield from refs(x)
    elif k in ("opt", "star", "plus"):
        yield from refs(ast[1])
    elif k == "diff":
        yield from refs(ast[1])
        yield from refs(ast[2])


def lint_grammar(rules):
    problems = []
    for name, ast in rules.items():
        for r in refs(ast):
            if r not in rules:
                problems.append(f"{name} uses undefined symbol {r}")
    seen, todo = set(), [e for e in ENTRY_POINTS if e in rules]
    for e in ENTRY_POINTS:
        if e not in rules:
            problems.append(f"entry point {e} is not defined")
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo.extend(r for r in refs(rules[n]) if r in rules)
    for n in rules:
        if n not in seen:
            problems.append(f"{n} is defined but not reachable from {', '.join(ENTRY_POINTS)}")
    return problems


# --------------------------------------------------------------------------
# Interpreter: all parses (CFG semantics), tokens by longest match
# --------------------------------------------------------------------------

class Grammar:
    def __init__(self, path):
        self.rules, self.modes, self.order = read_grammar(path)
        problems = lint_grammar(self.rules)
        if problems:
            raise GrammarError("; ".join(problems))
        # terminals of the token level: literals in token-mode rules, and
        # references from token-mode rules to character-mode rules
        self.terminals = []
        for name, ast in self.rules.items():
            if self.modes[name] == "tokens":
                self._collect_terminals(ast)
        self.name_char = self.rules.get("NameChar")

    def _collect_terminals(self, ast):
        k = ast[0]
        if k == "lit" or (k == "ref" and self.modes[ast[1]] == "chars"):
            if ast not in self.terminals:
                self.terminals.append(ast)
        elif k in ("alt", "seq"):
            for x in ast[1]:
                self._collect_terminals(x)
        elif k in ("opt", "star", "plus"):
            self._collect_terminals(ast[1])
        elif k == "diff":
            self._collect_terminals(ast[1])

    # ---- character level: the set of end positions --------------------
    def ends(self, ast, p):
        key = (id(ast), p)
        memo = self._ends_memo
        if key in memo:
            return memo[key]
        memo[key] = frozenset()  # no left recursion at character level
        text = self.text
        k = ast[0]
        if k == "lit":
            r = {p + len(ast[1])} if text.startswith(ast[1], p) else set()
        elif k == "cls":
            r = set()
            if p < len(text):
                c = text[p]
                hit = any(lo <= c <= hi for lo, hi in ast[2])
                if hit != ast[1]:
                    r = {p + 1}
        elif k == "ref":
            r = set(self.ends(self.rules[ast[1]], p)) if self.modes[ast[1]] == "chars" else \
                {e for e, _ in self.parse(("ref", ast[1]), p, "tokens")}
        elif k == "seq":
            r = {p}
            for x in ast[1]:
                r = set().union(*[self.ends(x, q) for q in r]) if r else set()
        elif k == "alt":
            r = set().union(*[self.ends(x, p) for x in ast[1]])
        elif k == "opt":
            r = {p} | self.ends(ast[1], p)
        elif k in ("star", "plus"):
            first = set(self.ends(ast[1], p))
            r = set(first) | ({p} if k == "star" else set())
            frontier = first
            while frontier:
                nxt = set().union(*[self.ends(ast[1], q) for q in frontier]) - r
                r |= nxt
                frontier = nxt
        elif k == "diff":
            r = self.ends(ast[1], p) - self.ends(ast[2], p)
        else:
            raise GrammarError(f"unknown node {k}")
        memo[key] = frozenset(r)
        return memo[key]

    def _is_name_char(self, i):
        if self.name_char is None or i < 0 or i >= len(self.text):
            return False
        return (i + 1) in self.ends(self.name_char, i)

    def skip_space(self, p):
        s = self.rules.get("S")
        if s is None:
            return p
        e = self.ends(s, p)
        return max(e) if e else p

    def token_end(self, p, first=False):
        """Longest token at p (after whitespace, unless it is the first token
        of a token-level span): (start, end) or None."""
        key = (p, first)
        if key in self._tok_memo:
            return self._tok_memo[key]
        q = p if first else self.skip_space(p)
        best = None
        for t in self.terminals:
            e = self.ends(t if t[0] == "lit" else self.rules[t[1]], q)
            if e:
                m = max(e)
                if m > q and (best is None or m > best):
                    best = m
        if best is not None and self._is_name_char(best - 1) and self._is_name_char(best):
            best = None  # rule L2: "5min", "1.5s"
        self._tok_memo[key] = (q, best) if best is not None else None
        return self._tok_memo[key]

    # ---- parse: list of (end, tree) ------------------------------------
    def parse(self, ast, p, mode, first=False):
        """first: p is the start of a token-level span entered from the
        character level, where no whitespace may precede the first token."""
        key = (id(ast), p, mode, first)
        memo = self._parse_memo
        if key in memo:
            return memo[key]
        memo[key] = []
        k = ast[0]
        res = []
        if mode == "tokens" and (k == "lit" or (k == "ref" and self.modes[ast[1]] == "chars")):
            tok = self.token_end(p, first)
            q0 = p if first else self.skip_space(p)
            if q0 > self._furthest:
                self._furthest = q0
            if tok:
                q, e = tok
                target = ast if k == "lit" else self.rules[ast[1]]
                if e in self.ends(target, q):
                    leaf = self.text[q:e]
                    res = [(e, leaf if k == "lit" else (ast[1], leaf))]
        elif k == "ref":
            sub_mode = self.modes[ast[1]]
            sub_first = first if mode == "tokens" else (sub_mode == "tokens")
            for e, t in self.parse(self.rules[ast[1]], p, sub_mode, sub_first):
                res.append((e, (ast[1], t)))
        elif mode == "chars" and k in ("lit", "cls", "diff"):
            res = [(e, self.text[p:e]) for e in sorted(self.ends(ast, p))]
        elif k == "seq":
            partial = [(p, [])]
            for x in ast[1]:
                partial = [(e2, ts + [t2]) for e, ts in partial
                           for e2, t2 in self.parse(x, e, mode, first and e == p)]
            res = [(e, ("seq", ts)) for e, ts in partial]
        elif k == "alt":
            for x in ast[1]:
                res.extend(self.parse(x, p, mode, first))
        elif k == "opt":
            res = [(p, ("seq", []))] + self.parse(ast[1], p, mode, first)
        elif k in ("star", "plus"):
            res = self._repeat(ast[1], p, mode, 0 if k == "star" else 1, first)
        else:
            raise GrammarError(f"cannot use {k} at the token level")
        memo[key] = res
        return res

    def _repeat(self, x, p, mode, minimum, first=False):
        out = [(p, ("seq", []))] if minimum == 0 else []
        for e, t in self.parse(x, p, mode, first):
            if e == p:
                continue
            for e2, (_, rest) in self._repeat(x, e, mode, 0):
                out.append((e2, ("seq", [t] + rest)))
        return out

    def full_parses(self, start, text):
        self.text = text
        self._ends_memo, self._parse_memo, self._tok_memo = {}, {}, {}
        self._furthest = 0
        mode = self.modes[start]
        return [t for e, t in self.parse(("ref", start), 0, mode, mode == "tokens") if e == len(text)]

    def error_position(self):
        """After a failed full_parses: (column, what) of the furthest token
        position the parser reached."""
        q = self._furthest
        if q >= len(self.text):
            return q + 1, "unexpected end"
        tok = self.token_end(q, True)
        shown = self.text[q:tok[1]] if tok else self.text[q:q + 10]
        return q + 1, f"unexpected {shown!r}"


def render(tree):
    """Parenthesised rendering of a parse tree: every operator application is
    wrapped in parentheses, so precedence and associativity are visible."""
    def parts(t):
        if isinstance(t, str):
            return [t] if t.strip() else []
        if t[0] == "seq":
            return [p for c in t[1] for p in parts(c)]
        name, sub = t
        ps = parts(sub)
        if name in ("Path", "Call"):
            return ["".join(ps)]
        if name in ("Arguments", "ListLiteral"):
            return ["".join(p + " " if p == "," else p for p in ps)]
        if name == "PrimaryExpr" and ps and ps[0] == "(":
            return [ps[1]]
        if name.endswith("Expr") and len(ps) > 1:
            return ["(" + " ".join(ps) + ")"]
        if name.endswith("Literal") or name in ("Identifier", "FieldName"):
            return ["".join(ps)]
        return [" ".join(ps)] if ps else []
    return " ".join(parts(tree))


# --------------------------------------------------------------------------
# Pipeline files
# --------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """YAML 1.1 like libyaml, but timestamps stay strings."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def expressions_of(doc):
    """Yields (path, kind, text) for each expression or template in a pipeline."""
    if not isinstance(doc, dict):
        return
    dedup = doc.get("dedup")
    if isinstance(dedup, dict) and "key" in dedup:
        yield "dedup.key", "expr", dedup["key"]
    sink = doc.get("sink")
    if isinstance(sink, dict) and isinstance(sink.get("url"), str) and "{" in sink["url"]:
        yield "sink.url", "template", sink["url"]
    agents = doc.get("agents")
    if not isinstance(agents, list):
        return
    for i, a in enumerate(agents):
        if not isinstance(a, dict):
            continue
        where = f"agents[{i}]({a.get('name', '?')})"
        for k, v in (a.get("input") or {}).items() if isinstance(a.get("input"), dict) else []:
            yield f"{where}.input.{k}", "expr", v
        if "when" in a:
            yield f"{where}.when", "expr", a["when"]
        if isinstance(a.get("cache"), dict) and "key" in a["cache"]:
            yield f"{where}.cache.key", "expr", a["cache"]["key"]
        if a.get("type") == "expr" and isinstance(a.get("output"), dict):
            for k, v in a["output"].items():
                yield f"{where}.output.{k}", "expr", v
        if "url" in a:
            yield f"{where}.url", "template", a["url"]
        for k, v in (a.get("headers") or {}).items() if isinstance(a.get("headers"), dict) else []:
            yield f"{where}.headers.{k}", "template", v
        for k, v in (a.get("env") or {}).items() if isinstance(a.get("env"), dict) else []:
            yield f"{where}.env.{k}", "template", v


def check_text(g, kind, text):
    """Returns None if OK, else an error message."""
    if kind == "expr" and not isinstance(text, str):
        return None  # a YAML number / bool / null is a literal
    if not isinstance(text, str):
        return f"expected a string, got {type(text).__name__}"
    start = "ExpressionText" if kind == "expr" else "Template"
    trees = g.full_parses(start, text)
    if len(trees) == 1:
        return None
    if len(trees) > 1:
        return f"ambiguous: {len(trees)} parse trees for {text!r} (grammar bug)"
    col, what = g.error_position()
    if kind == "expr":
        return f"syntax error in {text!r}: {what} at column {col}"
    return f"syntax error in interpolated string {text!r}: {what} at column {col}"


def check_file(g, path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=_Loader)
    except (OSError, yaml.YAMLError) as e:
        print(f"{path}: error: cannot read: {e}".replace("\n", " "))
        return None
    errors = 0
    count = 0
    for where, kind, text in expressions_of(doc):
        count += 1
        msg = check_text(g, kind, text)
        if msg:
            errors += 1
            print(f"{path}: error: {where}: {msg}")
    return errors, count


# --------------------------------------------------------------------------
# Self-test
# --------------------------------------------------------------------------

SELF_TEST_GOOD = [
    # (expression, expected rendering or None)
    ("a ?? b ?? c", "(a ?? (b ?? c))"),
    ('geocode.country ?? "unknown" == "US"', '(geocode.country ?? ("unknown" == "US"))'),
    ('(geocode.country ?? "unknown") == "US"', '((geocode.country ?? "unknown") == "US")'),
    ("a || b && c", "(a || (b && c))"),
    ("a && b || c", "((a && b) || c)"),
    ("a || b || c", "(a || b || c)"),
    ("!a == b", "((! a) == b)"),
    ("a < b == c", "((a < b) == c)"),
    ("a + b in [1, 2]", "((a + b) in [1, 2])"),
    ('x not in ["a", "b"]', '(x not in ["a", "b"])'),
    ("a + b * c - d", "(a + (b * c) - d)"),
    ("-a.b", "(- a.b)"),
    ("- -1", "(- (- 1))"),
    ("!!event.flag", "(! (! event.flag))"),
    ("a % 2 == 0", "((a % 2) == 0)"),
    ("lower(trim(event.utm_source ?? \"direct\"))", None),
    ("concat(a, \"-\", b)", None),
    ("now()", None),
    ("coalesce(a.b, c.d, 'x')", None),
    ("event.in", None),
    ("env.CRM_TOKEN", None),
    ("250ms", None), ("1m30s", None), ("1h", None), ("5us", None), ("0", None),
    ("3.25", None), ("1e6", None), ("2.5E-3", None),
    ('"say \\"hi\\" \\u{1F600}\\n"', None), ("'it\\'s'", None), ("'{not interpolated}'", None),
    ("[]", None), ("[[1, 2], [3]]", None), ("[1, 2,]", None), ("concat(a, b,)", None),
    ('"a\\rb"', None), ('"line\nbreak"', None),
    ("  event.user_id  ", None),
    ("a\n  && b", None),
    ("true", None), ("null", None), ("trueish", None), ("index", None),
]
SELF_TEST_BAD = [
    "a == b == c", "a < b < c", "a in b in c", "a ??", "?? a", "a ? b : c",
    "5min", "1.5s", "-1s x", "1 s", "1.", ".5", "a.", "a..b", "a.1",
    "f(,)", "[,]", "f(a,,)", "(a", "a)", '"open', "'\\q'", "'\\0'", "'\\u{}'", "'\\u{1234567}'",
    "(a ?? b).x", "f(x).y", "f(x)(y)", "a.b(c)", "true.x", "'s'.x", "1.e5",
    "x notin [1]", "not x", "a = b", "a & b", "a | b", "", "   ", "true.x.", "{a}",
]
TEMPLATE_GOOD = [
    "https://crm.example/users/{event.user_id}",
    "Bearer {env.CRM_TOKEN}",
    "plain text",
    "",
    "{{literal}} braces",
    "{{{event.x}}}",
    "{ concat(\"}\", event.x) }",
    "{'\\u{7D}'}",
    "a{event.x}b{event.y}c",
]
TEMPLATE_BAD = ["{}", "{ }", "a}b", "{event.x", "{event.x}}", "x{a b}"]


def self_test(g):
    failures = 0
    for text, expected in SELF_TEST_GOOD:
        trees = g.full_parses("ExpressionText", text)
        if len(trees) != 1:
            print(f"self-test: FAIL: {text!r} should parse once, got {len(trees)} parses")
            failures += 1
            continue
        got = render(trees[0])
        if expected is not None and got != expected:
            print(f"self-test: FAIL: {text!r} parsed as {got}, expected {expected}")
            failures += 1
    for text in SELF_TEST_BAD:
        if g.full_parses("ExpressionText", text):
            print(f"self-test: FAIL: {text!r} should be a syntax error")
            failures += 1
    for text in TEMPLATE_GOOD:
        n = len(g.full_parses("Template", text))
        if n != 1:
            print(f"self-test: FAIL: template {text!r} should parse once, got {n}")
            failures += 1
    for text in TEMPLATE_BAD:
        if g.full_parses("Template", text):
            print(f"self-test: FAIL: template {text!r} should be an error")
            failures += 1
    total = len(SELF_TEST_GOOD) + len(SELF_TEST_BAD) + len(TEMPLATE_GOOD) + len(TEMPLATE_BAD)
    print(f"self-test: {total - failures}/{total} cases passed")
    return failures == 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", metavar="FILE", help="pipeline YAML files")
    ap.add_argument("--grammar", default=DEFAULT_GRAMMAR, help="path of expressions.ebnf")
    ap.add_argument("--self-test", action="store_true", help="also run the built-in grammar tests")
    args = ap.parse_args(argv)
    if not args.files and not args.self_test:
        ap.print_usage(sys.stderr)
        print("check_expressions.py: error: give FILE arguments and/or --self-test", file=sys.stderr)
        return 2
    try:
        g = Grammar(args.grammar)
    except OSError as e:
        print(f"check_expressions.py: cannot read grammar: {e}", file=sys.stderr)
        return 2
    except GrammarError as e:
        print(f"{args.grammar}: error: {e}")
        return 1
    ok = True
    io_problem = False
    if args.self_test:
        ok = self_test(g) and ok
    for path in args.files:
        r = check_file(g, path)
        if r is None:
            io_problem = True
            continue
        errors, count = r
        if errors:
            ok = False
        else:
            print(f"{path}: ok ({count} expressions and templates)")
    if not ok:
        return 1
    return 2 if io_problem else 0


if __name__ == "__main__":
    sys.exit(main())
