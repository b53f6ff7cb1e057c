#!/usr/bin/env python3
"""Concurrency soak: several writers and a reader on one vault, through the
real bron program.

usage: run_soak.py --bron PATH [--entries N] [--writers W] [--keep] [-v]

W writer threads (default 2) each add N entries (default 1000, or
$BRON_SOAK_ENTRIES when set) with the one-shot command

    bron --vault V --passphrase-fd FD add --title TITLE   (body on stdin)

one bron process after the other, so that W `bron add` processes run at
any moment.  Meanwhile a reader thread runs `bron search` (for an entry a
writer has finished) and `bron list` in a loop until the writers are done.

bron's documented behaviour (SECURITY.md, "Two bron processes writing at
once"; src/lib/lock.c): a writer takes an exclusive lock on V.lock for one
transaction; a second writer waits (fairly: waiters go first) for up to five
seconds and only then fails with "vault in use (pid N)", exit status 5, having
written nothing.  So the writers here are expected to wait, never to fail; if
one does get "vault in use" it retries the same entry, and every such retry
is counted and reported (the entry must still end up in the vault exactly
once).

Checks:
  - every `bron add` ends with exit 0 and prints one id (after retries for
    "vault in use", which are counted);
  - the reader's commands exit 0 (or 1, "no entries match", for list on an
    empty vault only); a search for an entry whose add had already returned
    finds it (no stale read), and every list shows at least as many entries
    as adds had returned before it started and at most as many as had begun;
  - no process ever prints a raw SQLite message ("database is locked",
    "busy", "SQLITE_...", "disk I/O error", ...) or any stderr line other
    than the documented "bron: vault in use" error; no sanitizer report;
  - at the end `bron list --json` holds exactly W*N entries, each id the one
    its add printed, each title exactly once; `bron show --json` of every id
    gives back exactly the body that was written (every body exactly once);
  - `bron verify` exits 0 and says W*N records authenticated, manifest
    verified.

Prints one "ok"/"FAIL" line per check, the figures (duration, adds per
second, latency of add, retries, reader rounds) and ends with
"N passed, M failed"; exit status 1 when a check failed.
"""
import argparse
import fcntl
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

PASS = "zeven zoute zeehonden in de soak"
KDF = ["--kdf-memory", "1", "--kdf-passes", "1", "--force"]
TIMEOUT = 120          # seconds for any one bron process
IN_USE_EXIT = 5
# What SQLite says when it reaches the user unfiltered.  bron must turn
# SQLITE_BUSY/SQLITE_LOCKED into its own "vault in use" sentence.
RAW_SQLITE = re.compile(
    r"database is locked|database table is locked|\bbusy\b|sqlite|"
    r"locking protocol|disk I/O error|unable to open database|"
    r"cannot start a transaction|cannot commit|database schema has changed|"
    r"database disk image", re.IGNORECASE)
# Cheap prefilter for RAW_SQLITE (list outputs add up to megabytes).
RAW_WORDS = ("locked", "busy", "sqlite", "locking", "i/o", "unable to open",
             "cannot start", "cannot commit", "schema", "disk image")
IN_USE = re.compile(r"^bron: vault in use( \(pid \d+\)| by another process)$")
WEAK_KDF = "warning: these key derivation settings are below"
NO_MATCH = "no entries match"
VERIFY_RE = re.compile(r"vault is intact: (\d+) records? authenticated")

passed = failed = 0


def check(ok, what, detail=None):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok and detail:
        for line in str(detail).rstrip().splitlines()[:40]:
            print("     " + line, flush=True)
    if ok:
        passed += 1
    else:
        failed += 1
    return ok


def note(msg):
    print("     " + msg, flush=True)


class Bron:
    """Runs the bron program on one vault, the passphrase on a descriptor."""

    def __init__(self, bron, vault, scratch):
        self.bron = bron
        self.vault = vault
        self.passfile = os.path.join(scratch, "passphrase")
        with open(self.passfile, "w") as f:
            f.write(PASS + "\n")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("BRON_") and k != "LD_PRELOAD"}
        env.update({"LC_ALL": "C", "LANGUAGE": "", "NO_COLOR": "1",
                    "TZ": "UTC"})
        self.env = env
        self.lock = threading.Lock()
        self.processes = 0
        self.raw = []      # raw SQLite lines printed by any process
        self.other = []    # unexpected stderr lines

    def run(self, args, stdin=""):
        fd = os.open(self.passfile, os.O_RDONLY)
        try:
            p = subprocess.run(
                [self.bron, "--vault", self.vault, "--passphrase-fd",
                 str(fd)] + args, input=stdin.encode(), capture_output=True,
                env=self.env, pass_fds=(fd,), timeout=TIMEOUT)
            rc = p.returncode
            out = p.stdout.decode("utf-8", "replace")
            err = p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            rc, out = -1, (e.stdout or b"").decode("utf-8", "replace")
            err = (e.stderr or b"").decode("utf-8", "replace") + \
                "\n(killed after %d s)" % TIMEOUT
        finally:
            os.close(fd)
        # scanned at once: the outputs of thousands of lists add up
        raw, other = scan([(args[:1], out, err)])
        with self.lock:
            self.processes += 1
            self.raw += raw
            self.other += other
        return rc, out, err


class Writer(threading.Thread):
    def __init__(self, bron, n, count, tag, progress):
        super().__init__(name="writer-%d" % n)
        self.bron, self.n, self.count, self.tag = bron, n, count, tag
        self.progress = progress      # shared with the reader
        self.written = {}             # id -> (title, body)
        self.latencies = []
        self.retries = 0
        self.retry_notes = []
        self.failures = []
        self.done_at = None

    def run(self):
        for i in range(self.count):
            title = "soak w%d #%04d %s" % (self.n, i, self.tag)
            marker = "m%d%04d%s" % (self.n, i, secrets.token_hex(6))
            body = ("Soak entry %d of writer %d.\nmarker %s\n" %
                    (i, self.n, marker))
            while True:
                self.progress.begun(self.n)
                t = time.monotonic()
                rc, out, err = self.bron.run(["add", "--title", title], body)
                self.latencies.append(time.monotonic() - t)
                lines = [l for l in err.splitlines() if l]
                if rc == IN_USE_EXIT and lines and all(
                        IN_USE.match(l) for l in lines):
                    self.retries += 1
                    self.retry_notes.append("%s: %s" % (title, lines[0]))
                    self.progress.unbegun(self.n)
                    continue
                break
            ids = out.split()
            if rc != 0 or len(ids) != 1 or not re.fullmatch(r"[0-9a-f]{16}",
                                                             ids[0]):
                self.failures.append("%s: exit %d, stdout %r, stderr %r" %
                                     (title, rc, out[-200:], err[-500:]))
                self.progress.returned(self.n, None)
                continue
            self.written[ids[0]] = (title, body)
            self.progress.returned(self.n, (ids[0], marker))
        self.done_at = time.monotonic()


class Progress:
    """What the writers have begun and finished, for the reader's checks."""

    def __init__(self, writers):
        self.lock = threading.Lock()
        self.begun_n = [0] * writers
        self.returned_n = [0] * writers
        self.last = [None] * writers   # (id, marker) of the last add done
        self.finished = threading.Event()

    def begun(self, n):
        with self.lock:
            self.begun_n[n] += 1

    def unbegun(self, n):
        with self.lock:
            self.begun_n[n] -= 1

    def returned(self, n, last):
        with self.lock:
            self.returned_n[n] += 1
            if last:
                self.last[n] = last

    def snapshot(self):
        with self.lock:
            return sum(self.begun_n), sum(self.returned_n), list(self.last)


class Reader(threading.Thread):
    def __init__(self, bron, progress):
        super().__init__(name="reader")
        self.bron, self.progress = bron, progress
        self.rounds = self.searches = self.lists = 0
        self.failures = []
        self.counts = []   # list sizes seen, in order

    def run(self):
        k = 0
        while not self.progress.finished.is_set():
            self.rounds += 1
            _, done_before, last = self.progress.snapshot()
            # search for an entry whose add has returned: it must be found
            target = last[k % len(last)]
            k += 1
            if target:
                ident, marker = target
                rc, out, err = self.bron.run(["search", marker])
                self.searches += 1
                if rc != 0 or ident[:8] not in out:
                    self.failures.append(
                        "search %s (entry %s, already added): exit %d, "
                        "stdout %r, stderr %r" % (marker, ident, rc,
                                                  out[-300:], err[-300:]))
            _, done_before, _ = self.progress.snapshot()
            rc, out, err = self.bron.run(["list"])
            begun_after, _, _ = self.progress.snapshot()
            self.lists += 1
            n = len([l for l in out.splitlines() if l.strip()])
            if rc == 1 and done_before == 0:
                n = 0
            elif rc != 0:
                self.failures.append("list: exit %d, stderr %r" %
                                     (rc, err[-300:]))
                continue
            self.counts.append(n)
            if not done_before <= n <= begun_after:
                self.failures.append(
                    "list showed %d entries; %d adds had returned before it "
                    "began and %d had begun when it ended" %
                    (n, done_before, begun_after))


def lock_phase(bron_path, scratch):
    """The documented behaviour for a second writer, shown on a vault of its
    own: while another process holds the lock, `bron add` waits; held past
    the wait (five seconds) it fails with "vault in use (pid N)", exit 5,
    and writes nothing; retried, the same entry goes in once."""
    vault = os.path.join(scratch, "lock.bron")
    b = Bron(bron_path, vault, scratch)
    rc, _, err = b.run(["init"] + KDF)
    if not check(rc == 0, "lock: init a second vault", err):
        return
    fd = os.open(vault + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"%d\n" % os.getpid(), 0)
        body = "written while the lock was held\n"
        t = time.monotonic()
        rc, out, err = b.run(["add", "--title", "held"], body)
        waited = time.monotonic() - t
        check(rc == IN_USE_EXIT and
              err.strip() == "bron: vault in use (pid %d)" % os.getpid() and
              not out.strip() and waited >= 4.5,
              "lock: held past the wait, add fails after %.1f s: exit 5, "
              "'vault in use (pid N)' naming the holder, no id" % waited,
              "exit %d\nstdout %r\nstderr %r" % (rc, out, err))
        # the retry: begins while the lock is held, which goes after 1.5 s
        res = {}

        def add():
            t = time.monotonic()
            res["r"] = b.run(["add", "--title", "held"], body)
            res["t"] = time.monotonic() - t

        th = threading.Thread(target=add)
        th.start()
        time.sleep(1.5)
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        th.join()
        rc, out, err = res["r"]
        check(rc == 0 and re.fullmatch(r"[0-9a-f]{16}\s*", out) and
              not err.strip() and res["t"] >= 1.4,
              "lock: an add that meets the lock waits for it (%.1f s) and "
              "succeeds" % res["t"],
              "exit %d\nstdout %r\nstderr %r" % (rc, out, err))
    finally:
        os.close(fd)
    rc, out, err = b.run(["list", "--json"])
    try:
        titles = [e["title"] for e in json.loads(out)]
    except ValueError:
        titles = None
    check(titles == ["held"], "lock: the failed add wrote nothing, the "
          "retried one exactly one entry", "list: %r %r" % (out, err))
    rc, out, err = b.run(["verify"])
    check(rc == 0, "lock: verify", out + err)


def scan(outputs):
    """Raw SQLite lines, and stderr lines bron should not print, in
    outputs [(argv, stdout, stderr)]."""
    raw, other = [], []
    for argv, out, err in outputs:
        text = out + "\n" + err
        low = text.lower()
        if any(w in low for w in RAW_WORDS) and RAW_SQLITE.search(text):
            raw += ["%s: %s" % (argv[0], line) for line in text.splitlines()
                    if RAW_SQLITE.search(line)]
        for line in err.splitlines():
            if line and not IN_USE.match(line) and \
                    not line.startswith(WEAK_KDF) and \
                    line.strip() not in (NO_MATCH, "no entries"):
                other.append("%s: %s" % (argv[0], line))
    return raw, other


def scan_selftest():
    """The scan finds what it looks for (and passes what bron may say)."""
    planted = [(["add"], "", "bron: database is locked\n"),
               (["list"], "Error: SQLITE_BUSY\n", ""),
               (["search"], "", "bron: vault damaged: x failed (database "
                                "disk image is malformed)\n"),
               (["add"], "", "==1==ERROR: AddressSanitizer: heap-use-after-"
                             "free\n"),
               (["add"], "", "bron: vault in use (pid 12)\n"),
               (["list"], "0123abcd  2026-11-28  private  t\n",
                "no entries\n" + WEAK_KDF + " x\n")]
    raw, other = scan(planted)
    check(len(raw) == 3 and len(other) == 3,
          "the output scan finds planted SQLite messages and other stderr",
          "raw %r\nother %r" % (raw, other))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def std_fds_open():
    """Opens /dev/null on any of descriptors 0-2 that is closed (CI may run
    us without standard input), so that no pipe or passphrase file of ours
    becomes descriptor 0 and is mistaken for a child's standard input."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)


def main():
    std_fds_open()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bron", required=True)
    ap.add_argument("--entries", type=int, default=1000,
                    help="entries per writer (default 1000; "
                         "$BRON_SOAK_ENTRIES overrides)")
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--no-lock-phase", dest="lock_phase",
                    action="store_false",
                    help="skip the checks of a held lock (7 s)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    env_n = os.environ.get("BRON_SOAK_ENTRIES")
    if env_n:
        a.entries = int(env_n)
    total = a.entries * a.writers
    bron_path = os.path.abspath(a.bron)

    scratch = tempfile.mkdtemp(prefix="bron-soak-")
    vault = os.path.join(scratch, "journal.bron")
    b = Bron(bron_path, vault, scratch)
    t_start = time.monotonic()
    try:
        rc, out, err = b.run(["init"] + KDF)
        if not check(rc == 0, "init a vault (Argon2id 1 MiB, 1 pass)",
                     "exit %d\n%s" % (rc, err)):
            return 1
        b.processes, b.raw, b.other = 0, [], []  # init's code and warning
        scan_selftest()
        if a.lock_phase:
            lock_phase(bron_path, scratch)
        print("soak: %d writers x %d entries, 1 reader, bron %s" %
              (a.writers, a.entries, bron_path), flush=True)

        tag = secrets.token_hex(3)
        progress = Progress(a.writers)
        writers = [Writer(b, n, a.entries, tag, progress)
                   for n in range(a.writers)]
        reader = Reader(b, progress)
        t0 = time.monotonic()
        for w in writers:
            w.start()
        reader.start()
        for w in writers:
            w.join()
        t_writers = time.monotonic() - t0
        progress.finished.set()
        reader.join()
        t_reader = time.monotonic() - t0

        # ---- the writers
        wfail = [f for w in writers for f in w.failures]
        check(not wfail, "every add exited 0 and printed one id",
              "\n".join(wfail[:20]) + ("\n... %d in all" % len(wfail)))
        retries = sum(w.retries for w in writers)
        lat = [x for w in writers for x in w.latencies]
        finish = sorted(w.done_at - t0 for w in writers)
        note("writers: %d adds in %.1f s (%.0f adds/s); add latency "
             "median %.0f ms, p99 %.0f ms, max %.0f ms" %
             (len(lat), t_writers, len(lat) / t_writers,
              1000 * statistics.median(lat), 1000 * pct(lat, 99),
              1000 * max(lat)))
        note("writers finished at %s s (fair lock: close together)" %
             ", ".join("%.1f" % f for f in finish))
        note("'vault in use' retries: %d%s" % (
            retries, "" if not retries else " (" + "; ".join(
                n for w in writers for n in w.retry_notes[:3]) + ")"))

        # ---- the reader
        check(not reader.failures and reader.rounds > 0,
              "reader: %d rounds, %d searches found their entry, %d lists "
              "within bounds" % (reader.rounds, reader.searches,
                                 reader.lists),
              "\n".join(reader.failures[:20]) or "the reader never ran")
        mono = all(x <= y for x, y in zip(reader.counts, reader.counts[1:]))
        check(mono, "the reader's list never shrank",
              "sizes: %s" % reader.counts[:200])

        # ---- the final state through the program
        rc, out, err = b.run(["list", "--json"])
        try:
            listed = json.loads(out) if rc == 0 else None
        except ValueError as e:
            listed = None
            err += "\n(JSON: %s)" % e
        if not check(listed is not None, "list --json parses",
                     "exit %d\n%s\n%s" % (rc, out[-300:], err[-300:])):
            return 1
        expected = {}
        for w in writers:
            expected.update(w.written)
        ids = [e["id"] for e in listed]
        titles = [e["title"] for e in listed]
        check(len(listed) == total,
              "exactly %d entries (list --json has %d)" %
              (total, len(listed)))
        check(len(set(ids)) == len(ids) and set(ids) == set(expected),
              "every id is one an add printed, each once",
              "listed but not added: %s\nadded but not listed: %s" %
              (sorted(set(ids) - set(expected))[:10],
               sorted(set(expected) - set(ids))[:10]))
        want_titles = sorted(t for t, _ in expected.values())
        dup = sorted({t for t in titles if titles.count(t) > 1}) \
            if len(set(titles)) != len(titles) else []
        check(sorted(titles) == want_titles and len(want_titles) == total,
              "every title present exactly once",
              "duplicates: %s\nmissing: %s" % (
                  dup[:10], sorted(set(want_titles) - set(titles))[:10]))
        for e in listed:
            t = expected.get(e["id"], (None,))[0]
            if t is not None and e["title"] != t:
                check(False, "titles match their ids",
                      "%s: %r, added as %r" % (e["id"], e["title"], t))
                break

        t_show = time.monotonic()

        def show(ident):
            rc, out, err = b.run(["show", "--json", ident])
            try:
                return ident, rc, json.loads(out).get("body"), err
            except ValueError:
                return ident, rc, None, err + out[-200:]

        with ThreadPoolExecutor(max_workers=2) as pool:
            shown = list(pool.map(show, ids))
        bad = ["%s: exit %d, body %r, %s" % (i, rc, body, err.strip())
               for i, rc, body, err in shown
               if rc != 0 or body != expected.get(i, (None, None))[1]]
        bodies = [body for _, _, body, _ in shown]
        check(not bad and len(set(bodies)) == total and
              sorted(bodies) == sorted(b_ for _, b_ in expected.values()),
              "show --json gives back every body exactly once (%d shows in "
              "%.1f s)" % (len(shown), time.monotonic() - t_show),
              "\n".join(bad[:10]))

        t_verify = time.monotonic()
        rc, out, err = b.run(["verify"])
        t_verify = time.monotonic() - t_verify
        m = VERIFY_RE.search(out)
        check(rc == 0 and m and int(m.group(1)) == total,
              "verify: exit 0, %d records authenticated, manifest verified" %
              total, "exit %d\n%s%s" % (rc, out, err))
        note("verify took %.1f s" % t_verify)
        if a.verbose:
            note(out.strip())

        # ---- everything any process printed
        check(not b.raw, "no raw SQLite message in the output of %d "
              "processes" % b.processes, "\n".join(b.raw[:20]))
        check(not b.other, "no unexpected stderr line (sanitizer reports, "
              "errors)", "\n".join(b.other[:20]))
        note("soak: %.1f s in all (writers %.1f s, reader %.1f s)" %
             (time.monotonic() - t_start, t_writers, t_reader))
    finally:
        if a.keep:
            note("kept %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
