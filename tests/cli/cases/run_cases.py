#!/usr/bin/env python3
"""One-shot end-to-end tests of the bron program, kept as data.

usage: run_cases.py BRON LOCALEDIR [--shim LIB] [-k WORD]... [-j N] [-v]
                    [--keep] [CASE-FILE...]

Every file tests/cli/cases/data/*.case is one case (format: README.md next to
this script).  Each case runs twice, with LANG=en_US.UTF-8 and with
LANG=nl_NL.UTF-8 (LANGUAGE, LC_ALL and LC_MESSAGES unset), each time in a
fresh temporary directory holding a copy of the case's fixture.  One line is
printed per case and language, "ok ..." or "FAIL ...: reason" with a diff,
and at the end the summary line "N passed, M failed".  The exit status is 1
when anything failed.

--shim LIB is clock_shim.c built as a shared library; it lets the fixtures
hold entries written on earlier days.  Without it the runner compiles
clock_shim.c with cc into its scratch directory.
"""
import argparse
import calendar
import concurrent.futures
import difflib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
LANGS = (("en", "en_US.UTF-8"), ("nl", "nl_NL.UTF-8"))
VAULT_NAME = "journal.bron"
STEP_TIMEOUT = 30

PASS = "kastanjeboom onder de brug in 1987"
NEWPASS = "zeven blauwe fietsen op het dak"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]
CODE_RE = re.compile(r"^    ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){13})$", re.M)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DAY = 86400


class CaseError(Exception):
    """A case file that does not parse, or a placeholder that is unknown."""


# ---------------------------------------------------------------- dates --

NOW = int(time.time())
TODAY = NOW - NOW % DAY  # bron runs with TZ=UTC, so days are UTC days


def ymd(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def dmy(t):
    return time.strftime("%d-%m-%Y", time.gmtime(t))


def hm(t):
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))


def hm_nl(t):
    return time.strftime("%d-%m-%Y %H:%M", time.gmtime(t))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def noon(days_ago):
    """Noon (UTC) of the day days_ago days before today."""
    return TODAY - days_ago * DAY + 12 * 3600


# ----------------------------------------------------- recovery codes --

def encode_code(code):
    """The printed form of 32 code bytes (docs/FORMAT.md, section 6)."""
    ck = hashlib.blake2b(code, digest_size=16,
                         person=b"bron-recovery-ck").digest()[:3]
    bits = int.from_bytes(code, "big") << 4  # 260 bits, low 4 zero
    syms = [(bits >> (5 * (51 - i))) & 31 for i in range(52)]
    ckbits = int.from_bytes(ck, "big") >> 4  # top 20 of 24 bits
    syms += [(ckbits >> (5 * (3 - i))) & 31 for i in range(4)]
    s = "".join(ALPHABET[v] for v in syms)
    return "-".join(s[i:i + 4] for i in range(0, 56, 4))


def typo(code):
    """The code with its first symbol changed: a checksum mismatch."""
    first = code[0]
    other = ALPHABET[(ALPHABET.index(first) + 1) % 32]
    return other + code[1:]


# ------------------------------------------------------------ fixtures --

def header(db):
    """The vault header (meta row 1), docs/FORMAT.md section 3."""
    return bytearray(db.execute("SELECT v FROM meta WHERE k=1").fetchone()[0])


def set_header(db, h):
    db.execute("UPDATE meta SET v=? WHERE k=1", (bytes(h),))


class Runner:
    def __init__(self, bron, localedir, shim, scratch):
        self.wrap = []  # a command to run bron under, e.g. valgrind
        self.bron = bron
        self.localedir = localedir
        self.shim = shim
        self.scratch = scratch
        self.cache = {}
        self.cache_lock = threading.Lock()
        self.fixture_locks = {}
        self.keep = False

    # -- running bron --

    def env(self, lang_locale, extra=None):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TZ": "UTC",
            "LANG": lang_locale,
            "BRON_LOCALEDIR": self.localedir,
            "TERM": "dumb",
            "NO_COLOR": "1",
        }
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        if extra:
            env.update(extra)
        return env

    def run_bron(self, argv, env, passtext=None, stdin=b"", cwd=None,
                 wrapped=True):
        """Runs bron; passtext goes through a pipe named by --passphrase-fd.
        argv may hold the word "{passfd}", replaced by that descriptor."""
        rfd = None
        try:
            if passtext is not None:
                rfd, wfd = os.pipe()
                os.write(wfd, passtext.encode())
                os.close(wfd)
                argv = [str(rfd) if a == "{passfd}" else a for a in argv]
            wrap = self.wrap if wrapped else []
            p = subprocess.run(wrap + [self.bron] + argv, input=stdin,
                               env=env,
                               cwd=cwd, capture_output=True,
                               pass_fds=(rfd,) if rfd is not None else (),
                               start_new_session=True,
                               timeout=STEP_TIMEOUT * (10 if wrap else 1))
        finally:
            if rfd is not None:
                os.close(rfd)
        return p.returncode, p.stdout, p.stderr

    def setup_run(self, argv, passtext=None, stdin=b"", when=None, cwd=None):
        """A command while building a fixture; fails loudly."""
        extra = {}
        if when is not None:
            extra["BRON_TEST_NOW"] = str(when)
            extra["LD_PRELOAD"] = self.shim
            asan = os.environ.get("ASAN_OPTIONS", "")
            extra["ASAN_OPTIONS"] = (asan + ":" if asan else "") + \
                "verify_asan_link_order=0"
        rc, out, err = self.run_bron(argv, self.env("en_US.UTF-8", extra),
                                     passtext, stdin, cwd, wrapped=False)
        if rc != 0:
            raise RuntimeError("fixture command failed (%d): bron %s\n%s" %
                               (rc, " ".join(argv), err.decode(errors="replace")))
        return out.decode()

    # -- building fixtures --

    def new_vault(self, d):
        vault = os.path.join(d, VAULT_NAME)
        out = self.setup_run(["--vault", vault, "--passphrase-fd", "{passfd}",
                              "init"] + KDF + ["--force"], PASS + "\n")
        m = CODE_RE.search(out)
        if not m:
            raise RuntimeError("no recovery code in the output of init:\n" + out)
        return vault, {"recovery": m.group(1), "ids": {}, "created": {}}

    def add(self, vault, meta, name, body, when, title=None, level=None,
            area=None, tags=()):
        argv = ["--vault", vault, "--passphrase-fd", "{passfd}", "add"]
        if title is not None:
            argv += ["--title", title]
        if level:
            argv += ["--level", level]
        if area:
            argv += ["--area", area]
        for t in tags:
            argv += ["--tag", t]
        out = self.setup_run(argv, PASS + "\n", body.encode(), when)
        meta["ids"][name] = out.strip()
        meta["created"][name] = when

    def build_journal(self, d):
        vault, meta = self.new_vault(d)
        self.add(vault, meta, "huisbezoek",
                 "We dronken koffie in de serre.\n"
                 "Oma vertelde over de oorlog en over haar broer.\n",
                 noon(0), "Huisbezoek bij oma", "shareable", "wonen",
                 ["familie", "oma"])
        self.add(vault, meta, "cafe",
                 "Gesprek met Ségolène over één ding: geduld.\n",
                 noon(1), "Café in Utrecht", "nog-niet-deelbaar", "vrienden",
                 ["koffie"])
        self.add(vault, meta, "interview",
                 "I was nervous, but the curator was kind.\n",
                 noon(3), "Job interview at the museum", "shareable", "work",
                 ["work", "Interview"])
        self.setup_run(["--vault", vault, "--passphrase-fd", "{passfd}",
                        "level", meta["ids"]["interview"], "private",
                        "--why", "nog te vroeg om te delen"],
                       PASS + "\n", when=noon(2))
        meta["changed"] = {"interview": noon(2)}
        self.add(vault, meta, "school",
                 "Ze zwaaide niet eens. Naïef? Nee, dapper.\n",
                 noon(10), "Eerste schooldag van Noor", "deelbaar", "school",
                 ["kinderen"])
        self.add(vault, meta, "untitled",
                 "Alleen tekst, zonder titel. Coöperatie.\n", noon(40))
        self.add(vault, meta, "verhuizing", "Dozen, dozen, dozen.\n",
                 calendar.timegm((2025, 6, 15, 12, 0, 0)),
                 "Verhuizing naar Zwolle", "not-yet-shareable", "home",
                 ["verhuizen", "familie"])
        return meta

    def build_one(self, d):
        vault, meta = self.new_vault(d)
        self.add(vault, meta, "enige", "Alleen deze.\n", noon(2),
                 "Enige notitie", "private")
        return meta

    def build_many(self, d):
        vault, meta = self.new_vault(d)
        # 17 entries: two ids must share their first hex digit.
        for i in range(1, 18):
            self.add(vault, meta, "n%d" % i, "Tekst %d.\n" % i, noon(i),
                     "Notitie %d" % i, "private")
        return meta

    def derive(self, d, base, change=None, mode=None):
        """Copies fixture base into d; change(db, meta) edits the vault
        through SQLite, mode sets its permissions."""
        meta = self.fixture(base, d)
        vault = os.path.join(d, VAULT_NAME)
        if change:
            db = sqlite3.connect(vault)
            change(db, meta)
            db.commit()
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
        if mode is not None:
            os.chmod(vault, mode)
        return meta

    def build_fixture(self, name, d):
        if name == "none":
            return {"ids": {}, "created": {}}
        if name == "empty":
            return self.new_vault(d)[1]
        if name == "journal":
            return self.build_journal(d)
        if name == "one":
            return self.build_one(d)
        if name == "many":
            return self.build_many(d)
        if name == "damaged":  # one bit flipped in the "cafe" ciphertext
            def flip_payload(db, meta):
                rid = int(meta["ids"]["cafe"], 16)
                rid = rid - (1 << 64) if rid >= 1 << 63 else rid  # SQLite's
                ct = bytearray(db.execute("SELECT ct FROM payload WHERE id=?",
                                          (rid,)).fetchone()[0])
                ct[len(ct) // 2] ^= 0x01
                db.execute("UPDATE payload SET ct=? WHERE id=?",
                           (bytes(ct), rid))
            return self.derive(d, "journal", flip_payload)
        if name == "badheader":
            def flip_header(db, meta):
                h = header(db)
                h[14] ^= 0x40  # inside the vault id: the checksum fails
                set_header(db, h)
            return self.derive(d, "journal", flip_header)
        if name == "future":  # header says version 2, with a good checksum
            def bump_version(db, meta):
                h = header(db)
                h[8:12] = (2).to_bytes(4, "little")
                h[32:64] = hashlib.blake2b(bytes(h[:32]), digest_size=32).digest()
                set_header(db, h)
            return self.derive(d, "journal", bump_version)
        if name == "inuse":  # the lock is held while each step runs
            return self.derive(d, "journal")
        if name == "unsafe":
            return self.derive(d, "journal", mode=0o644)
        if name == "notvault":
            with open(os.path.join(d, VAULT_NAME), "w") as f:
                f.write("Dit is mijn dagboek, maar geen kluis.\n")
            os.chmod(os.path.join(d, VAULT_NAME), 0o600)
            return {"ids": {}, "created": {}}
        if name == "sqlite":
            p = os.path.join(d, VAULT_NAME)
            db = sqlite3.connect(p)
            db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, t TEXT)")
            db.execute("INSERT INTO notes(t) VALUES ('niet van bron')")
            db.commit()
            db.close()
            os.chmod(p, 0o600)
            return {"ids": {}, "created": {}}
        raise CaseError("unknown fixture '%s'" % name)

    def fixture(self, name, dest):
        """Copies the (cached) fixture into dest; returns its metadata."""
        with self.cache_lock:
            lock = self.fixture_locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self.cache:
                d = os.path.join(self.scratch, "fixture-" + name)
                os.mkdir(d, 0o700)
                try:
                    meta = self.build_fixture(name, d)
                except Exception as e:  # every case that needs it fails
                    self.cache[name] = e
                    raise
                for junk in os.listdir(d):  # lock file, WAL leftovers
                    if junk.endswith((".lock", "-wal", "-shm")):
                        os.unlink(os.path.join(d, junk))
                self.cache[name] = (d, meta)
        if isinstance(self.cache[name], Exception):
            raise RuntimeError("the fixture '%s' could not be built: %s" %
                               (name, self.cache[name]))
        src, meta = self.cache[name]
        for entry in os.listdir(src):
            shutil.copy2(os.path.join(src, entry), os.path.join(dest, entry))
        return json.loads(json.dumps(meta))


# ------------------------------------------------------------- parsing --

STEP_KEYS = {"pass", "vault", "env", "exit", "capture", "lock", "exists",
             "absent", "filemode"}
CASE_KEYS = {"title", "fixture", "bug", "requires"}
STREAMS = {"stdout", "stderr"}
MODES = {"exact", "contains", "lacks", "regex", "json"}


class Step:
    def __init__(self, line, argv):
        self.line = line
        self.argv = argv
        self.keys = []       # (key, value) in order
        self.sections = []   # (kind, lang, mode, arg, text)


class Case:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.title = ""
        self.fixture = "none"
        self.bug = None
        self.requires = []
        self.steps = []


def parse_case(path):
    case = Case(path)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    step = None
    section = None  # [kind, lang, mode, arg, lines]

    def close_section():
        nonlocal section
        if section is None:
            return
        body = section[4]
        while body and body[-1] == "":
            body.pop()
        text = "\n".join(body) + ("\n" if body else "")
        step.sections.append((section[0], section[1], section[2], section[3],
                              text))
        section = None

    for n, line in enumerate(lines, 1):
        where = "%s:%d" % (os.path.basename(path), n)
        if line.startswith("$ bron"):
            if step is not None:
                close_section()
            rest = line[len("$ bron"):]
            if rest and not rest.startswith(" "):
                raise CaseError(where + ": a step starts with '$ bron '")
            try:
                argv = shlex.split(rest)
            except ValueError as e:
                raise CaseError("%s: %s" % (where, e))
            step = Step(line[2:], argv)
            case.steps.append(step)
            continue
        if line.startswith("--- "):
            if step is None:
                raise CaseError(where + ": a section before the first step")
            close_section()
            words = line[4:].split()
            kind = words[0] if words else ""
            if kind in STREAMS:
                lang, mode = None, "exact"
                for w in words[1:]:
                    if w in ("en", "nl"):
                        lang = w
                    elif w in MODES:
                        mode = w
                    else:
                        raise CaseError("%s: unknown section word '%s'" %
                                        (where, w))
                section = [kind, lang, mode, None, []]
            elif kind == "stdin" and words[1:] in ([], ["escapes"]):
                section = ["stdin", None, None, words[1:] == ["escapes"], []]
            elif kind == "file" and len(words) == 2:
                section = ["file", None, None, words[1], []]
            else:
                raise CaseError("%s: unknown section '%s'" % (where, line))
            continue
        if section is not None:
            section[4].append(line)
            continue
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^([a-z]+):\s?(.*)$", line)
        if not m:
            raise CaseError("%s: cannot read '%s'" % (where, line))
        key, value = m.group(1), m.group(2)
        if step is None:
            if key not in CASE_KEYS:
                raise CaseError("%s: '%s' is not a case key" % (where, key))
            if key == "title":
                case.title = value
            elif key == "fixture":
                case.fixture = value.strip()
            elif key == "bug":
                case.bug = value
            elif key == "requires":
                case.requires.append(value.strip())
        else:
            if key not in STEP_KEYS:
                raise CaseError("%s: '%s' is not a step key" % (where, key))
            step.keys.append((key, value))
    if step is not None:
        close_section()
    if not case.steps:
        raise CaseError(os.path.basename(path) + ": no '$ bron' step")
    for s in case.steps:
        if not any(k == "exit" for k, _ in s.keys):
            raise CaseError("%s: step '%s' has no 'exit:'" %
                            (os.path.basename(path), s.line))
    return case


# --------------------------------------------------------- placeholders --

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9-]*)(?::([^{}]*))?\}")


class Context:
    """What placeholders expand to in one run of one case."""

    def __init__(self, d, meta, lockpid):
        self.dir = d
        self.vault = os.path.join(d, VAULT_NAME)
        self.meta = meta
        self.captured = {}
        self.lockpid = lockpid

    def _id(self, name):
        if name in self.meta["ids"]:
            return self.meta["ids"][name]
        if name in self.captured:
            return self.captured[name]
        raise CaseError("no entry named '%s' in the fixture" % name)

    def _created(self, name):
        if name not in self.meta["created"]:
            raise CaseError("no entry named '%s' in the fixture" % name)
        return self.meta["created"][name]

    def _prefix(self, name):
        mine = self._id(name)
        others = [i for i in self.meta["ids"].values() if i != mine]
        for n in range(1, 17):
            if not any(o.startswith(mine[:n]) for o in others):
                return mine[:n]
        return mine

    def _ambiguous(self):
        ids = list(self.meta["ids"].values())
        for c in "0123456789abcdef":
            k = sum(1 for i in ids if i.startswith(c))
            if k >= 2:
                return c, k
        raise CaseError("the fixture has no two ids with the same first digit")

    def value(self, name, arg):
        simple = {
            "pass": PASS, "newpass": NEWPASS, "dir": self.dir,
            "vault": self.vault, "today": ymd(NOW), "yesterday": ymd(NOW - DAY),
            "today-nl": dmy(NOW), "yesterday-nl": dmy(NOW - DAY),
            "pid": str(self.lockpid),
            "passfd": "{passfd}",
        }
        if arg is None and name in simple:
            return simple[name]
        if arg is None and name in self.captured:
            return self.captured[name]
        if name == "id":
            return self._id(arg)
        if name == "short":
            return self._id(arg)[:8]
        if name == "prefix":
            return self._prefix(arg)
        if name == "upper":
            return self._prefix(arg).upper()
        if name == "date":
            return ymd(self._created(arg))
        if name == "date-nl":
            return dmy(self._created(arg))
        if name == "time":
            return hm(self._created(arg))
        if name == "time-nl":
            return hm_nl(self._created(arg))
        if name == "iso":
            return iso(self._created(arg))
        if name == "changed":
            return hm(self.meta["changed"][arg])
        if name == "changed-nl":
            return hm_nl(self.meta["changed"][arg])
        if name == "changed-iso":
            return iso(self.meta["changed"][arg])
        if name == "day":
            return ymd(NOW + int(arg) * DAY)
        if name == "day-nl":
            return dmy(NOW + int(arg) * DAY)
        if name == "ambiguous" and arg is None:
            return self._ambiguous()[0]
        if name == "ambiguous-count" and arg is None:
            return str(self._ambiguous()[1])
        if name == "absent-id" and arg is None:
            ids = set(self.meta["ids"].values())
            for c in "0123456789abcdef":
                cand = c * 16
                if cand not in ids:
                    return cand
        if name == "absent-prefix" and arg is None:
            ids = list(self.meta["ids"].values())
            for n in range(0x1000, 0x10000):
                p = "%04x" % n
                if not any(i.startswith(p) for i in ids):
                    return p
        if name == "recovery-other" and arg is None:
            return encode_code(secrets.token_bytes(32))
        if name.startswith("recovery") and arg is None:
            code = self.meta.get("recovery")
            if not code:
                raise CaseError("the fixture has no recovery code")
            if name == "recovery":
                return code
            if name == "recovery-typo":
                return typo(code)
            if name == "recovery-lower":
                return code.lower().replace("-", " ")
        raise CaseError("unknown placeholder {%s%s}" %
                        (name, "" if arg is None else ":" + arg))

    def expand(self, text, escape=None):
        def sub(m):
            v = self.value(m.group(1), m.group(2))
            return escape(v) if escape else v
        return PLACEHOLDER.sub(sub, text)


# ------------------------------------------------------------- checking --

def json_select(doc, path):
    """Values at path ($, .key, [n], [*]); [*] maps over a list."""
    if not path.startswith("$"):
        raise CaseError("a JSON path starts with $: " + path)
    tokens = re.findall(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\*|-?\d+)\]", path[1:])
    if "".join("." + a if a else "[%s]" % b for a, b in tokens) != path[1:]:
        raise CaseError("cannot read the JSON path " + path)

    def walk(v, toks):
        if not toks:
            return v
        key, idx = toks[0]
        if key:
            if not isinstance(v, dict) or key not in v:
                raise KeyError(path)
            return walk(v[key], toks[1:])
        if not isinstance(v, list):
            raise KeyError(path)
        if idx == "*":
            return [walk(x, toks[1:]) for x in v]
        i = int(idx)
        if not -len(v) <= i < len(v):
            raise KeyError(path)
        return walk(v[i], toks[1:])
    return walk(doc, tokens)


def check_json(ctx, text, spec):
    """Returns a list of problems."""
    problems = []
    try:
        doc = json.loads(text)
    except ValueError as e:
        return ["not valid JSON (%s)" % e]
    for raw in spec.splitlines():
        line = raw.strip()
        if not line or line == "valid":
            continue
        m = re.match(r"^(\$\S*)\s+(==|!=|length|contains|matches)\s+(.*)$", line)
        if not m:
            raise CaseError("cannot read the JSON check '%s'" % line)
        path, op, arg = m.groups()
        try:
            got = json_select(doc, path)
        except KeyError:
            problems.append("%s: no such value" % path)
            continue
        if op == "matches":
            pat = ctx.expand(arg, re.escape)
            ok = isinstance(got, str) and re.search(pat, got) is not None
        elif op == "length":
            ok = isinstance(got, (list, dict, str)) and len(got) == int(arg)
        else:
            try:
                want = json.loads(ctx.expand(arg))
            except ValueError:
                raise CaseError("not a JSON value in '%s'" % line)
            if op == "==":
                ok = got == want
            elif op == "!=":
                ok = got != want
            else:
                ok = isinstance(got, (list, str)) and want in got
        if not ok:
            problems.append("%s %s %s, but it is %s" %
                            (path, op, ctx.expand(arg),
                             json.dumps(got, ensure_ascii=False)))
    return problems


def check_stream(ctx, name, actual, mode, spec):
    """Returns a list of problems (strings, maybe multi-line)."""
    if mode == "exact":
        want = ctx.expand(spec)
        if actual.rstrip("\n") == want.rstrip("\n"):
            return []
        diff = difflib.unified_diff(want.splitlines(), actual.splitlines(),
                                    "expected " + name, "actual " + name,
                                    lineterm="", n=2)
        return ["%s differs:\n%s" % (name, "\n".join(diff))]
    if mode == "json":
        return ["%s: %s" % (name, p) for p in check_json(ctx, actual, spec)]
    problems = []
    for raw in spec.splitlines():
        if not raw:
            continue
        if mode == "regex":
            pat = ctx.expand(raw, re.escape)
            if not re.search(pat, actual, re.M):
                problems.append("%s does not match /%s/" % (name, raw))
        else:
            want = ctx.expand(raw)
            found = want in actual
            if mode == "contains" and not found:
                problems.append("%s lacks: %s" % (name, want))
            if mode == "lacks" and found:
                problems.append("%s holds: %s" % (name, want))
    if problems:
        problems.append("actual %s:\n%s" % (name, indent(actual)))
    return problems


def unescape(s):
    """\\n, \\r and \\\\ in a pass: line."""
    return re.sub(r"\\([nr\\])",
                  lambda m: {"n": "\n", "r": "\r", "\\": "\\"}[m.group(1)], s)


def byte_escapes(data):
    """\\xHH, \\n, \\r, \\t and \\\\ in a "--- stdin escapes" section."""
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"\\": b"\\"}
    return re.sub(rb"\\(x[0-9a-fA-F]{2}|[nrt\\])",
                  lambda m: bytes([int(m.group(1)[1:], 16)])
                  if m.group(1)[:1] == b"x" else simple[m.group(1)], data)


def indent(text):
    if not text:
        return "    (empty)"
    return "\n".join("    " + l for l in text.rstrip("\n").split("\n"))


class HeldLock:
    """Holds flock(LOCK_EX) on <vault>.lock with our pid in it, as a bron
    process that is writing would."""

    def __init__(self, vault):
        self.path = vault + ".lock"
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                          0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        return self

    def __exit__(self, *exc):
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        return False


def tmpfs_available():
    for d in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if not d:
            continue
        try:
            with open("/proc/mounts") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) > 2 and parts[1] == d and \
                            parts[2] in ("tmpfs", "ramfs"):
                        return True
        except OSError:
            pass
    return False


def run_case(runner, case, lang, locale_name):
    """Returns (status, message): status is "ok", "FAIL" or "skip"."""
    for req in case.requires:
        if req == "tmpfs" and not tmpfs_available():
            return "skip", "no tmpfs for the editor"
        if req not in ("tmpfs",):
            raise CaseError("unknown requirement '%s'" % req)
    d = tempfile.mkdtemp(prefix="%s-%s-" % (case.name, lang),
                         dir=runner.scratch)
    try:
        meta = runner.fixture(case.fixture, d)
        ctx = Context(d, meta, os.getpid())
        for n, step in enumerate(case.steps, 1):
            problems = run_step(runner, case, step, ctx, lang, locale_name)
            if problems:
                head = "step %d (%s)" % (n, step.line)
                return "FAIL", head + ": " + problems[0] + \
                    "".join("\n" + p for p in problems[1:])
        return "ok", ""
    finally:
        if not runner.keep:
            shutil.rmtree(d, ignore_errors=True)


def run_step(runner, case, step, ctx, lang, locale_name):
    keys = step.keys
    passtext = None
    vault = "{vault}"
    extra_env = {}
    want_exit = None
    lock = "held" if case.fixture == "inuse" else "free"
    for k, v in keys:
        if k == "pass":
            passtext = None if v.strip() == "none" else \
                unescape(ctx.expand(v)) + "\n"
        elif k == "vault":
            vault = v.strip()
        elif k == "env":
            name, _, value = v.partition("=")
            extra_env[name.strip()] = ctx.expand(value)
        elif k == "exit":
            want_exit = int(v)
        elif k == "lock":
            lock = v.strip()
    for kind, _, _, arg, text in step.sections:
        if kind == "file":
            p = os.path.join(ctx.dir, ctx.expand(arg))
            with open(p, "w", encoding="utf-8") as f:
                f.write(ctx.expand(text))
            os.chmod(p, 0o600)
    stdin = b""
    for kind, _, _, escapes, text in step.sections:
        if kind == "stdin":
            stdin = ctx.expand(text).encode()
            if escapes:
                stdin = byte_escapes(stdin)
    argv = []
    if vault != "none":
        argv += ["--vault", ctx.expand(vault)]
    if passtext is not None and "--passphrase-fd" not in step.argv:
        argv += ["--passphrase-fd", "{passfd}"]
    argv += [ctx.expand(a) for a in step.argv]
    env = runner.env(locale_name, {"HOME": ctx.dir})
    for name, value in extra_env.items():
        if value == "" and name in env:
            del env[name]
        elif value != "":
            env[name] = value
    if lock == "held":
        with HeldLock(ctx.vault):
            rc, out, err = runner.run_bron(argv, env, passtext, stdin, ctx.dir)
    else:
        rc, out, err = runner.run_bron(argv, env, passtext, stdin, ctx.dir)
    problems = []
    try:
        out_s = out.decode("utf-8")
        err_s = err.decode("utf-8")
    except UnicodeDecodeError:
        return ["output is not valid UTF-8: %r %r" % (out[:200], err[:200])]
    if rc != want_exit:
        problems.append("exit status %d, expected %d\n  stdout:\n%s\n  stderr:\n%s"
                        % (rc, want_exit, indent(out_s), indent(err_s)))
    for name, text in (("stdout", out_s), ("stderr", err_s)):
        if text and not text.endswith("\n"):
            problems.append("%s does not end with a newline" % name)
    for kind, slang, mode, _, spec in step.sections:
        if kind not in STREAMS or (slang and slang != lang):
            continue
        problems += check_stream(ctx, kind, out_s if kind == "stdout" else err_s,
                                 mode, spec)
    for k, v in keys:
        if k == "capture":
            name, _, pat = v.strip().partition(" ")
            m = re.search(pat.strip(), out_s, re.M)
            if not m:
                problems.append("nothing to capture as {%s} with /%s/ in "
                                "stdout" % (name, pat.strip()))
            else:
                ctx.captured[name] = m.group(1)
        elif k == "exists" and not os.path.exists(ctx.expand(v.strip())):
            problems.append("%s does not exist" % v.strip())
        elif k == "absent" and os.path.exists(ctx.expand(v.strip())):
            problems.append("%s exists" % v.strip())
        elif k == "filemode":
            path, _, mode = ctx.expand(v.strip()).rpartition(" ")
            try:
                got = os.stat(path).st_mode & 0o7777
            except OSError as e:
                problems.append("%s: %s" % (path, e.strerror))
                continue
            if got != int(mode, 8):
                problems.append("%s has mode %04o, expected %s" %
                                (path, got, mode))
    return problems


# ----------------------------------------------------------------- main --

def build_shim(scratch):
    src = os.path.join(HERE, "clock_shim.c")
    out = os.path.join(scratch, "clock_shim.so")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", out, src],
                   check=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bron")
    ap.add_argument("localedir")
    ap.add_argument("cases", nargs="*", help="case files (default: data/*.case)")
    ap.add_argument("--shim", help="clock_shim.c built as a shared library")
    ap.add_argument("-k", action="append", default=[],
                    help="run only cases whose name contains this")
    ap.add_argument("-j", type=int, default=min(4, os.cpu_count() or 1),
                    help="cases run in parallel (default: up to 4)")
    ap.add_argument("-v", action="store_true", help="print case titles")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary directories")
    ap.add_argument("--lang", choices=[l for l, _ in LANGS],
                    help="run in this language only")
    ap.add_argument("--wrap", default="",
                    help="run every bron under this command (e.g. valgrind "
                         "with its options); only the steps, not the "
                         "fixtures")
    args = ap.parse_args()

    bron = os.path.abspath(args.bron)
    files = args.cases or sorted(
        os.path.join(DATA, f) for f in os.listdir(DATA) if f.endswith(".case"))
    cases, failed_parse = [], []
    for f in files:
        try:
            c = parse_case(f)
        except (CaseError, OSError) as e:
            failed_parse.append((os.path.basename(f), str(e)))
            continue
        if not args.k or any(k in c.name for k in args.k):
            cases.append(c)

    start = time.time()
    scratch = tempfile.mkdtemp(prefix="bron-cases-")
    os.chmod(scratch, 0o700)
    passed = failed = 0
    try:
        shim = os.path.abspath(args.shim) if args.shim else build_shim(scratch)
        runner = Runner(bron, os.path.abspath(args.localedir), shim, scratch)
        runner.keep = args.keep
        runner.wrap = shlex.split(args.wrap)
        for name, err in failed_parse:
            print("FAIL %s: the case does not parse: %s" % (name, err))
            failed += 1
        have = subprocess.run(["locale", "-a"], capture_output=True,
                              text=True).stdout.lower().replace("-", "")
        for _, loc in LANGS:
            if loc.lower().replace("-", "") not in have:
                print("FAIL setup: the locale %s is not installed" % loc)
                failed += 1
        jobs = [(c, lang, loc) for c in cases for lang, loc in LANGS
                if not args.lang or lang == args.lang]

        def one(job):
            c, lang, loc = job
            try:
                return run_case(runner, c, lang, loc)
            except CaseError as e:
                return "FAIL", "bad case: %s" % e
            except Exception as e:  # a broken fixture or runner
                return "FAIL", "%s: %s" % (type(e).__name__, e)

        # A write refused because the vault is in use takes bron's whole lock
        # timeout (5 s) of sleeping, so those cases get threads of their own
        # and overlap with everything else.
        waiting = [j for j in jobs if j[0].fixture == "inuse"]
        with concurrent.futures.ThreadPoolExecutor(max(1, args.j)) as pool, \
                concurrent.futures.ThreadPoolExecutor(
                    max(1, len(waiting))) as sleepers:
            futures = [(sleepers if j[0].fixture == "inuse" else pool)
                       .submit(one, j) for j in jobs]
            for (c, lang, _), fut in zip(jobs, futures):
                status, msg = fut.result()
                label = "%s [%s]" % (c.name, lang)
                if args.v and c.title:
                    label += " - " + c.title
                if status == "ok":
                    passed += 1
                    print("ok   " + label)
                elif status == "skip":
                    print("skip " + label + ": " + msg)
                else:
                    failed += 1
                    note = " (known bug: %s)" % c.bug if c.bug else ""
                    first, _, rest = msg.partition("\n")
                    print("FAIL %s: %s%s" % (label, first, note))
                    if rest:
                        print("\n".join("     " + l for l in rest.split("\n")))
                sys.stdout.flush()
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print("kept " + scratch)
    print("# %d cases in %.1f s" % (len(cases), time.time() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
