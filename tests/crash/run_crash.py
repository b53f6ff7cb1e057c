#!/usr/bin/env python3
"""Crash injection for the bron program: kill it at every write and fsync.

usage: run_crash.py --bron BRON --shim KILLSHIM.so [--full | --step K]
                    [--only NAME[,NAME...]] [-j N] [--keep] [-v]

For each scenario (a one-shot bron command on a prepared vault) the runner

 1. prepares a vault with entries and records its state with an unshimmed
    bron: `verify` (manifest change counter and key generation), `list
    --json` and `show --json` of every entry ("before");
 2. runs the command once under killshim.so in counting mode, on a fresh
    copy, to learn how many kill points it has and the state it leaves
    ("after");
 3. for each kill point N: copies the prepared vault afresh, runs the command
    with BRON_CRASH_AT=N (SIGKILL just before the Nth write, pwrite, writev,
    fsync, fdatasync, ftruncate, unlink or rename under the vault's
    directory), then checks with an unshimmed bron that the vault opens,
    `bron verify` exits 0, the state is exactly "before" or "after", and
    the vault takes a further `add`.

Per command also: passwd - exactly one of the old and the new passphrase
works and the other fails with exit 3, and the recovery code still works;
rekey - the key generation goes with the state, the old recovery code works
exactly in the "before" state (fails with exit 3 after), and a new code the
killed process printed works; add - an id the killed process printed is in
the vault; any command that said it succeeded before it was killed must have
left the "after" state; backup - the source is unchanged and the backup file
is absent or a complete vault that verifies and holds the same entries.

A kill point "survives" when every check passes.  Lost entries are entries
present both before and after the command that a crashed vault does not
give back (plus an id add printed that is missing).  The last lines are
    crash: N kill points, N survived, 0 lost entries
    N passed, M failed
where passed/failed count kill points (a scenario that cannot even be set
up counts as one failure).  Exit status 1 when anything failed.

Default (ctest) is the fast mode: of each scenario, every kill point that is
not a plain write (fsync, fdatasync, ftruncate, unlink, rename: where
durability changes), every K-th write point (K from --step, or
$BRON_CRASH_STEP, default 20), the first and the last.  --full runs every
point (and, as a new record's random id changes how many pages a run
writes, goes on past the counted points until a run ends unkilled).  -j N
runs N kill points at once (default 1).  --only/--skip pick
scenarios: add, add-large, edit, delete, level, passwd, rekey, backup,
supervision (the view written to a file, then logged in the vault).
Failures with the same problem at consecutive points are printed as one
line (-v prints each point, also the ones that pass, and keeps the copies of
failing vaults under the scratch directory with --keep).
"""
import argparse
import concurrent.futures
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

PASS1 = "crash test passphrase one"
PASS2 = "crash test passphrase two"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1", "--force"]
T0 = 1764288000  # 2025-11-28 00:00 UTC: entries are written on fixed days
T_CMD = T0 + 40 * 86400  # "now" for the command under test
CODE_RE = re.compile(r"\b([0-9A-Z]{4}(?:-[0-9A-Z]{4}){13})\b")
VERIFY_RE = re.compile(r"vault is intact: (\d+) records authenticated "
                       r"\(\d+ bytes\), manifest verified at change (\d+), "
                       r"key generation (\d+)")
VAULT = "journal.bron"
BACKUP = "backup.bron"


class SetupError(Exception):
    pass


# ---------------------------------------------------------------- running


class Runner:
    def __init__(self, bron, shim, scratch, verbose):
        self.bron = bron
        self.shim = shim
        self.scratch = scratch
        self.verbose = verbose
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("BRON_") and k != "LD_PRELOAD"}
        env.update({"LC_ALL": "C", "LANGUAGE": "", "NO_COLOR": "1",
                    "TZ": "UTC"})
        # In the sanitizer build the shim is preloaded ahead of the ASan
        # runtime; that order is fine for a shim that is not instrumented.
        asan = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + \
            "verify_asan_link_order=0"
        self.env = env
        self.npass = itertools.count()

    def passfile(self, *lines):
        p = os.path.join(self.scratch, "pass-%d" % next(self.npass))
        with open(p, "w") as f:
            f.write("".join(l + "\n" for l in lines))
        return p

    def run(self, vault, args, lines=(PASS1,), stdin="", shim_env=None,
            timeout=120):
        """Runs bron --vault VAULT --passphrase-fd FD ARGS, LINES on FD.
        shim_env: None for an unshimmed run, else the BRON_CRASH_* settings
        (the shim is preloaded).  Returns (returncode, stdout, stderr)."""
        env = dict(self.env)
        if shim_env is not None:
            env["LD_PRELOAD"] = self.shim
            env.update(shim_env)
        pf = self.passfile(*lines)
        fd = os.open(pf, os.O_RDONLY)
        try:
            p = subprocess.run(
                [self.bron, "--vault", vault, "--passphrase-fd", str(fd)] +
                args, input=stdin.encode(), capture_output=True, env=env,
                pass_fds=(fd,), timeout=timeout)
        finally:
            os.close(fd)
            os.unlink(pf)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def must(self, vault, args, **kw):
        rc, out, err = self.run(vault, args, **kw)
        if rc != 0:
            raise SetupError("bron %s: exit %d: %s" % (" ".join(args), rc,
                                                       err.strip()))
        return out, err


# ---------------------------------------------------------------- state


def capture(r, vault, pw=PASS1):
    """The state of a vault as an unshimmed bron shows it, or raises
    SetupError with the reason.  Returns a dict: records, seq, epoch and
    entries {id: (list item, show object)}."""
    rc, out, err = r.run(vault, ["verify"], lines=(pw,))
    if rc != 0:
        raise SetupError("verify exits %d: %s" % (rc, err.strip()))
    m = VERIFY_RE.search(out)
    if not m:
        raise SetupError("verify says %r" % out.strip())
    st = {"records": int(m.group(1)), "seq": int(m.group(2)),
          "epoch": int(m.group(3)), "entries": {}}
    rc, out, err = r.run(vault, ["list", "--json"], lines=(pw,))
    if rc != 0:
        raise SetupError("list exits %d: %s" % (rc, err.strip()))
    try:
        items = json.loads(out)
    except ValueError as e:
        raise SetupError("list --json is no JSON: %s" % e)
    for it in items:
        rc, sout, err = r.run(vault, ["show", "--json", it["id"]],
                              lines=(pw,))
        if rc != 0:
            raise SetupError("show %s exits %d: %s" % (it["id"], rc,
                                                       err.strip()))
        try:
            st["entries"][it["id"]] = (it, json.loads(sout))
        except ValueError as e:
            raise SetupError("show --json %s is no JSON: %s" % (it["id"], e))
    rc, out, err = r.run(vault, ["shared", "--json"], lines=(pw,))
    if rc != 0:
        raise SetupError("shared exits %d: %s" % (rc, err.strip()))
    try:
        st["shared"] = [(v["format"], v["entries"]) for v in json.loads(out)]
    except (ValueError, KeyError) as e:
        raise SetupError("shared --json is not what it should be: %s" % e)
    if len(st["entries"]) + len(st["shared"]) != st["records"]:
        raise SetupError("list shows %d entries and shared %d views, verify "
                         "counts %d records" % (len(st["entries"]),
                                                len(st["shared"]),
                                                st["records"]))
    return st


def normalize(st, known):
    """entries with every id not in known renamed NEW (None if several)."""
    out = {}
    new = [i for i in st["entries"] if i not in known]
    if len(new) > 1:
        return None
    for i, (item, show) in st["entries"].items():
        if i not in known:
            item = dict(item, id="NEW")
            show = dict(show, id="NEW")
            i = "NEW"
        out[i] = (item, show)
    return out


def same_state(st, ref, known):
    if st["seq"] != ref["seq"] or st["epoch"] != ref["epoch"] or \
            st["shared"] != ref["shared"]:
        return False
    a, b = normalize(st, known), normalize(ref, known)
    return a is not None and a == b


def diff_state(st, ref, known):
    """A short description of how st differs from ref."""
    if st["seq"] != ref["seq"] or st["epoch"] != ref["epoch"]:
        return "change %d/key generation %d, expected %d/%d" % (
            st["seq"], st["epoch"], ref["seq"], ref["epoch"])
    a, b = normalize(st, known), normalize(ref, known)
    if a is None:
        return "several new entries"
    miss = sorted(set(b) - set(a))
    extra = sorted(set(a) - set(b))
    changed = sorted(i for i in set(a) & set(b) if a[i] != b[i])
    return "missing %s, extra %s, different %s" % (miss, extra, changed)


# ---------------------------------------------------------------- fixtures


WORDS = ("water bread morning river letter window school friend house work "
         "evening garden promise winter summer hand voice road table light "
         "father mother brother sister child teacher city village rain sun "
         "quiet loud remember forget write read walk sleep wake stay leave "
         "zee brood ochtend rivier brief raam huis werk avond tuin belofte "
         "één café naïef crème brûlée Zürich Ærø ‘quoted’ — ☂ 🌧").split()


def text(rng, n):
    """About n bytes of text with lines, deterministic for rng."""
    parts, size = [], 0
    while size < n:
        w = rng.choice(WORDS)
        if rng.random() < 0.08:
            w += "\n"
        elif rng.random() < 0.05:
            w += ".\n\n"
        parts.append(w)
        size += len(w.encode()) + 1
    s = " ".join(parts).replace("\n ", "\n")
    return s.encode()[:n].decode("utf-8", "ignore") + "\n"


AREAS = ["family-of-origin", "home", "school", "work", "friends", "leisure",
         "relationships", "parenthood", "growing-older"]
LEVELS = ["private", "not-yet-shareable", "shareable"]


class Fixture:
    """A prepared vault in its own directory."""

    def __init__(self, r, path, nentries, seed, sizes):
        self.dir = path
        self.vault = os.path.join(path, VAULT)
        os.mkdir(path, 0o700)
        out, _ = r.must(self.vault, ["init"] + KDF, lines=(PASS1, PASS1),
                        shim_env={"BRON_CRASH_NOW": str(T0)})
        m = CODE_RE.search(out)
        if not m:
            raise SetupError("init printed no recovery code")
        self.code = m.group(1)
        rng = random.Random(seed)
        self.ids = []
        for k in range(nentries):
            args = ["add", "--title", "%s %d — %s" % (rng.choice(WORDS), k,
                                                      rng.choice(WORDS))]
            if k % 3 == 0:
                args += ["--area", AREAS[k % len(AREAS)]]
            for t in range(k % 4):
                args += ["--tag", rng.choice(WORDS).strip(".\n")]
            args += ["--level", LEVELS[k % 3]]
            size = sizes[k % len(sizes)]
            out, _ = r.must(self.vault, args, stdin=text(rng, size),
                            shim_env={"BRON_CRASH_NOW":
                                      str(T0 + k * 86400 + 3600 * (k % 7))})
            self.ids.append(out.strip())
        # Some history: a level change with a reason, and an edit (rev 2+).
        if nentries >= 3:
            r.must(self.vault, ["level", self.ids[1], "shareable", "--why",
                                "told my sister"],
                   shim_env={"BRON_CRASH_NOW": str(T0 + 30 * 86400)})
            r.must(self.vault, ["edit", self.ids[2], "--title",
                                "renamed on the 31st day"],
                   shim_env={"BRON_CRASH_NOW": str(T0 + 31 * 86400)})
        for f in os.listdir(path):
            if f.endswith("-wal") or f.endswith("-shm"):
                raise SetupError("the prepared vault left %s behind" % f)
        self.state = capture(r, self.vault)


# ---------------------------------------------------------------- scenarios


class Scenario:
    """name, the fixture it starts from, the command, what it claims."""

    def __init__(self, name, fixture, args, lines=(PASS1,), stdin="",
                 claim=None, kind="plain"):
        self.name = name
        self.fixture = fixture
        self.args = args
        self.lines = lines
        self.stdin = stdin
        self.claim = claim    # regex on stdout+stderr: "it succeeded"
        self.kind = kind      # plain, add, passwd, rekey, backup


def scenarios(small, many):
    rng = random.Random(7)
    s = small.ids
    return [
        Scenario("add", small,
                 ["add", "--title", "after the storm", "--tag", "weather",
                  "--tag", "één", "--area", "home", "--level",
                  "not-yet-shareable"],
                 stdin=text(rng, 700), kind="add",
                 claim=r"(?m)^[0-9a-f]{16}$"),
        Scenario("add-large", small,
                 ["add", "--title", "the long letter", "--level", "private"],
                 stdin=text(rng, 300000), kind="add",
                 claim=r"(?m)^[0-9a-f]{16}$"),
        Scenario("edit", small, ["edit", s[3]], stdin=text(rng, 12000),
                 claim=r"entry [0-9a-f]{16} saved"),
        Scenario("delete", small, ["delete", s[4], "--yes"],
                 claim=r"entry [0-9a-f]{16} deleted"),
        Scenario("level", small,
                 ["level", s[5], "private", "--why",
                  "not ready to share it after all"],
                 claim=r"entry [0-9a-f]{16} is now"),
        Scenario("passwd", small, ["passwd"] + KDF, lines=(PASS1, PASS2),
                 kind="passwd", claim=r"the passphrase is changed"),
        Scenario("rekey", many, ["rekey"], kind="rekey",
                 claim=r"Every record is now encrypted"),
        Scenario("backup", many, ["backup", "@DIR@/" + BACKUP],
                 kind="backup", claim=r"backup written to"),
        # the view is written, then logged in the vault
        Scenario("supervision", small,
                 ["supervision", "--yes", "--format", "html", "--withheld",
                  "count", "--out", "@DIR@/view.html"],
                 claim=r"is not encrypted"),
    ]


class Result:
    def __init__(self):
        self.ok = True
        self.state = None   # "before", "after" or None
        self.lost = 0
        self.problems = []
        self.point = ""     # the killed call, from the shim's log
        self.unreached = False
        self.backup = None  # backup: absent, complete or half-written
        self.partial_left = False  # a BACKUP.partial-* file was left

    def bad(self, msg):
        self.ok = False
        self.problems.append(msg)


def recovery_works(r, work, code, name):
    """Whether code opens a scratch copy of the vault in work (bron
    recover): True (exit 0), False (exit 3), else a string (what
    happened)."""
    d = os.path.join(r.scratch, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(work, d)
    v = os.path.join(d, VAULT)
    rc, _, err = r.run(v, ["recover"] + KDF,
                       lines=(code, "recovered passphrase"))
    shutil.rmtree(d, ignore_errors=True)
    if rc == 0:
        return True
    if rc == 3:
        return False
    return "recover exits %d: %s" % (rc, err.strip())


class Case:
    """One scenario: counts its points, then kills at each chosen one."""

    def __init__(self, r, sc, base):
        self.r = r
        self.sc = sc
        self.base = base  # a directory of its own
        os.mkdir(base, 0o700)

    def args_for(self, work):
        return [a.replace("@DIR@", work) for a in self.sc.args]

    def fresh(self, tag):
        work = os.path.join(self.base, tag)
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(self.sc.fixture.dir, work)
        return os.path.realpath(work)

    def shimmed(self, work, extra):
        env = {"BRON_CRASH_DIR": work, "BRON_CRASH_NOW": str(T_CMD)}
        env.update(extra)
        return self.r.run(os.path.join(work, VAULT), self.args_for(work),
                          lines=self.sc.lines, stdin=self.sc.stdin,
                          shim_env=env)

    def count(self):
        """Runs the command to its end under the shim; sets self.npoints,
        self.before, self.after and the trace of points."""
        sc = self.sc
        self.before = sc.fixture.state
        work = self.fresh("count")
        cnt = os.path.join(self.base, "count.txt")
        log = os.path.join(self.base, "trace.txt")
        rc, out, err = self.shimmed(work, {"BRON_CRASH_COUNT": cnt,
                                           "BRON_CRASH_LOG": log})
        if rc != 0:
            raise SetupError("%s exits %d without a kill: %s"
                             % (sc.name, rc, err.strip()))
        if sc.claim and not re.search(sc.claim, out + err):
            raise SetupError("%s did not say it succeeded: %r"
                             % (sc.name, out + err))
        with open(cnt) as f:
            self.npoints = int(f.read().strip() or 0)
        if self.npoints == 0:
            raise SetupError("the shim saw no write under %s (is bron "
                             "linked dynamically?)" % work)
        with open(log) as f:
            self.trace = f.read().splitlines()
        pw = PASS2 if sc.kind == "passwd" else PASS1
        if sc.kind == "backup":
            self.after = self.before
            st = capture(self.r, os.path.join(work, BACKUP))
            if not same_state(st, self.before, set(self.before["entries"])):
                raise SetupError("the backup differs from its source: " +
                                 diff_state(st, self.before,
                                            set(self.before["entries"])))
        else:
            self.after = capture(self.r, os.path.join(work, VAULT), pw)
        self.known = set(self.before["entries"])
        if sc.kind == "add" and len(self.after["entries"]) != \
                len(self.before["entries"]) + 1:
            raise SetupError("add did not add one entry")
        if sc.kind not in ("backup",) and same_state(self.after, self.before,
                                                     self.known):
            raise SetupError("the command changed nothing")
        shutil.rmtree(work, ignore_errors=True)
        # Entries in both states: these must never be lost.
        b = normalize(self.before, self.known)
        a = normalize(self.after, self.known)
        self.keep = set(i for i in b if i in a)

    def check(self, n):
        """Kills at point n and checks the vault.  Returns a Result."""
        try:
            return self.check_one(n)
        except Exception as e:  # a broken runner, a hanging bron
            res = Result()
            res.bad("%s: %s" % (type(e).__name__, e))
            return res

    def check_one(self, n):
        sc, r = self.sc, self.r
        res = Result()
        work = self.fresh("kill-%d" % n)
        log = os.path.join(self.base, "log-%d.txt" % n)
        rc, out, err = self.shimmed(work, {"BRON_CRASH_AT": str(n),
                                           "BRON_CRASH_LOG": log})
        try:
            with open(log) as f:
                lines = f.read().splitlines()
            os.unlink(log)
        except OSError:
            lines = []
        killed = [l for l in lines if l.endswith(" KILL")]
        if killed:
            # "N call /path/in/work a b KILL" -> "call path a b"
            f = killed[0][:-5].split(" ")
            f[2] = os.path.relpath(f[2], work)
            res.point = " ".join(f[1:])
        if rc == 0 and not killed:
            # This run made fewer points than the counting run (a new
            # record's random id can need fewer page writes): it is no
            # kill point, but it must have left the "after" state.
            res.unreached = True
        elif rc != -9 or not killed:
            res.bad("bron was not killed at point %d (exit %d: %s)"
                    % (n, rc, err.strip()))
        said = bool(sc.claim and re.search(sc.claim, out + err))
        vault = os.path.join(work, VAULT)
        if sc.kind == "passwd":
            self.check_passwd(res, work, vault, said)
        else:
            self.check_plain(res, work, vault, said, out)
        if sc.kind == "backup":
            self.check_backup(res, work, said)
        res.problems = [m.replace(work + "/", "").replace(work, "DIR")
                        for m in res.problems]
        if res.ok or not r.verbose:
            shutil.rmtree(work, ignore_errors=True)
        return res

    def classify(self, res, st, said):
        """Sets res.state from the captured state st; notes problems."""
        if same_state(st, self.before, self.known):
            res.state = "before"
        elif same_state(st, self.after, self.known):
            res.state = "after"
        else:
            res.bad("the state is neither before (%s) nor after (%s)"
                    % (diff_state(st, self.before, self.known),
                       diff_state(st, self.after, self.known)))
        got = normalize(st, self.known) or {}
        res.lost += sum(1 for i in self.keep if i not in got)
        # A backup leaves its source as it was: its claim is checked on
        # the backup file instead.
        if said and res.state == "before" and self.sc.kind != "backup":
            res.bad("bron said it succeeded, but the vault holds the "
                    "state from before")

    def usable(self, res, vault, pw):
        """The crashed vault takes the next change (stale lock file, WAL and
        -shm left by the killed process notwithstanding)."""
        rc, _, err = self.r.run(vault, ["add", "--title", "after the crash"],
                                lines=(pw,), stdin="written after the crash\n")
        if rc != 0:
            res.bad("the next add fails with exit %d: %s" % (rc, err.strip()))

    def check_plain(self, res, work, vault, said, out):
        sc, r = self.sc, self.r
        try:
            st = capture(r, vault)
        except SetupError as e:
            res.bad("the vault does not open or verify: %s" % e)
            res.lost += len(self.keep)
            return
        self.classify(res, st, said or res.unreached)
        self.usable(res, vault, PASS1)
        if sc.kind == "add":
            for pid in re.findall(r"(?m)^[0-9a-f]{16}$", out):
                if pid not in st["entries"]:
                    res.bad("add printed %s, which is not in the vault"
                            % pid)
                    res.lost += 1
        if sc.kind == "rekey" and res.state:
            old = recovery_works(r, work, sc.fixture.code, "rc-%s" %
                                 os.path.basename(work))
            want = res.state == "before"
            if old is not want:
                res.bad("the old recovery code %s in the %s state (%s)"
                        % ("fails" if want else "still works", res.state,
                           old))
            m = CODE_RE.search(out)
            if m:
                new = recovery_works(r, work, m.group(1), "rn-%s" %
                                     os.path.basename(work))
                if new is not True:
                    res.bad("the new recovery code rekey printed does not "
                            "work (%s)" % new)

    def check_passwd(self, res, work, vault, said):
        r = self.r
        rc1, _, e1 = r.run(vault, ["verify"], lines=(PASS1,))
        rc2, _, e2 = r.run(vault, ["verify"], lines=(PASS2,))
        if sorted((rc1, rc2)) != [0, 3]:
            res.bad("old passphrase: verify exit %d (%s); new passphrase: "
                    "exit %d (%s); expected exactly one 0 and one 3"
                    % (rc1, e1.strip(), rc2, e2.strip()))
            if rc1 != 0 and rc2 != 0:
                res.lost += len(self.keep)
                return
        pw = PASS1 if rc1 == 0 else PASS2
        try:
            st = capture(r, vault, pw)
        except SetupError as e:
            res.bad("the vault does not open or verify: %s" % e)
            res.lost += len(self.keep)
            return
        self.classify(res, st, said or res.unreached)
        if res.state and (pw == PASS1) != (res.state == "before"):
            res.bad("the %s passphrase works in the %s state"
                    % ("old" if pw == PASS1 else "new", res.state))
        rec = recovery_works(r, work, self.sc.fixture.code,
                             "rc-%s" % os.path.basename(work))
        if rec is not True:
            res.bad("the recovery code stopped working (%s)" % rec)
        self.usable(res, vault, pw)

    def check_backup(self, res, work, said):
        r = self.r
        dest = os.path.join(work, BACKUP)
        present = [f for f in sorted(os.listdir(work))
                   if f.startswith(BACKUP)]
        # bron copies into BACKUP.partial-XXXXXX and links the finished,
        # verified copy to BACKUP; a kill may leave that temporary file (it
        # holds only ciphertext), never a half-written BACKUP.
        partial = [f for f in present if f.startswith(BACKUP + ".partial-")]
        present = [f for f in present if f not in partial]
        res.partial_left = bool(partial)
        res.backup = "absent" if not present else "half-written"
        if not present:
            if said:
                res.bad("bron said the backup was written, but there is "
                        "none")
            return
        if BACKUP not in present:
            res.bad("backup files left without the backup: %s" % present)
            return
        size = os.path.getsize(dest)
        try:
            st = capture(r, dest)
        except SetupError as e:
            res.bad("a half-written backup was left behind: %s (%d bytes%s) "
                    "does not open: %s"
                    % (BACKUP, size,
                       "; also " + ", ".join(present[1:]) if present[1:]
                       else "", e))
            return
        if not same_state(st, self.before, self.known):
            res.bad("the backup left behind is not a copy of the vault: "
                    + diff_state(st, self.before, self.known))
        else:
            res.backup = "complete"


# ---------------------------------------------------------------- main


def pick(trace, step):
    """The kill points to run: all with step 1.  Otherwise every point that
    is not a plain write (fsync, fdatasync, ftruncate, unlink, rename: the
    boundaries of durability), every step-th write, the first and the
    last."""
    n = len(trace)
    if step <= 1:
        return list(range(1, n + 1))
    pts, writes = set([1, n]), 0
    for i, line in enumerate(trace, 1):
        call = line.split(" ")[1]
        if "write" not in call:
            pts.add(i)
        else:
            if writes % step == 0:
                pts.add(i)
            writes += 1
    return sorted(pts)


def report(name, run):
    """Prints one FAIL line for failures with the same problem."""
    (n, point, msg), last = run[0], run[-1]
    if len(run) == 1:
        print("FAIL %s @%d (%s): %s" % (name, n, point, msg))
    else:
        print("FAIL %s @%d..%d (%d kill points, from %s to %s): %s"
              % (name, n, last[0], len(run), point, last[1], msg))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bron", required=True)
    ap.add_argument("--shim", required=True)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true",
                   help="kill at every point")
    g.add_argument("--step", type=int,
                   help="fast mode: every sync point and every K-th write")
    ap.add_argument("--only", help="comma-separated scenario names to run")
    ap.add_argument("--skip", help="comma-separated scenario names to skip")
    ap.add_argument("-j", type=int, default=1, help="parallel kill runs")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory")
    ap.add_argument("-v", action="store_true",
                    help="print every kill point; keep failing copies")
    args = ap.parse_args()
    step = 1 if args.full else (args.step or
                                int(os.environ.get("BRON_CRASH_STEP", "20")))
    step = max(1, step)

    start = time.time()
    scratch = tempfile.mkdtemp(prefix="bron-crash-")
    os.chmod(scratch, 0o700)
    r = Runner(os.path.abspath(args.bron), os.path.abspath(args.shim),
               scratch, args.v)
    total = survived = lost = failed = 0
    print("# mode: %s" % ("full (every kill point)" if step == 1 else
                          "fast (every sync, truncate and unlink point, "
                          "every %d. write point)" % step))
    try:
        try:
            small = Fixture(r, os.path.join(scratch, "small"), 6, 1,
                            [60, 400, 1500, 3000, 700, 9000])
            many = Fixture(r, os.path.join(scratch, "many"), 50, 2,
                           [120, 900, 1800, 300, 2500, 5000, 600])
        except SetupError as e:
            print("FAIL setup: %s" % e)
            print("crash: 0 kill points, 0 survived, 0 lost entries")
            print("0 passed, 1 failed")
            return 1
        scs = scenarios(small, many)
        if args.only:
            want = args.only.split(",")
            scs = [s for s in scs if s.name in want]
        if args.skip:
            scs = [s for s in scs if s.name not in args.skip.split(",")]
        for sc in scs:
            t = time.time()
            case = Case(r, sc, os.path.join(scratch, "sc-" + sc.name))
            try:
                case.count()
            except SetupError as e:
                print("FAIL %s: setup: %s" % (sc.name, e))
                failed += 1
                continue
            pts = pick(case.trace, step)
            with concurrent.futures.ThreadPoolExecutor(max(1, args.j)) as p:
                results = list(p.map(case.check, pts))
            # A new record's random id decides how many pages a run writes,
            # so a run can have more points than the counting run: in full
            # mode go on until a run ends without being killed.
            while step == 1 and results and not results[-1].unreached and \
                    pts[-1] < 3 * case.npoints:
                pts.append(pts[-1] + 1)
                results.append(case.check(pts[-1]))
            ok = nlost = unreached = 0
            seen = {"before": 0, "after": 0}
            run = []  # consecutive failures with the same problem
            backups = {"absent": 0, "complete": 0, "half-written": 0}
            partials = 0
            for n, res in zip(pts, results):
                nlost += res.lost
                if res.backup and not (res.unreached and n > case.npoints):
                    backups[res.backup] += 1
                    partials += res.partial_left
                if res.unreached and res.ok:
                    if n <= case.npoints:
                        unreached += 1
                    if args.v:
                        print("ok   %s @%d: not reached, after" % (sc.name,
                                                                   n))
                    continue
                if res.state:
                    seen[res.state] += 1
                if res.ok:
                    ok += 1
                    if args.v:
                        print("ok   %s @%d %s: %s" % (sc.name, n, res.point,
                                                      res.state))
                    continue
                msg = "; ".join(res.problems)
                if run and (args.v or run[-1][2] != msg):
                    report(sc.name, run)
                    run = []
                run.append((n, res.point, msg))
            if run:
                report(sc.name, run)
            killed = len(pts) - unreached - sum(
                1 for n, res in zip(pts, results)
                if res.unreached and res.ok and n > case.npoints)
            if sc.kind == "backup":
                extra = "; backup file absent %d, complete %d, " \
                        "half-written %d; temporary file left %d" % (
                            backups["absent"], backups["complete"],
                            backups["half-written"], partials)
            else:
                extra = ""
            total += killed
            survived += ok
            lost += nlost
            failed += killed - ok
            print("%s %s: %d kill points (of %d), %d survived (%d before, "
                  "%d after%s)%s, %d lost entries (%.0f s)"
                  % ("ok  " if ok == killed else "FAIL", sc.name,
                     killed, case.npoints, ok, seen["before"],
                     seen["after"], extra,
                     ", %d not reached" % unreached if unreached else "",
                     nlost, time.time() - t))
            sys.stdout.flush()
    finally:
        if args.keep:
            print("kept " + scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("# %.0f s" % (time.time() - start))
    print("crash: %d kill points, %d survived, %d lost entries"
          % (total, survived, lost))
    print("%d passed, %d failed" % (survived, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
