#!/usr/bin/env python3
"""Resource faults, end to end through the bron program.

usage: run_faults.py BRON SHIM [LOCALEDIR] [--full] [-k WORD]... [-v] [--keep]

BRON is the bron binary, SHIM the disk-full library built from enospc.c
(libenospc.so), LOCALEDIR the build's locale directory (for the Dutch
checks; without it they are skipped).

Parts (-k WORD runs only the parts whose name contains WORD):

  enospc    The shim makes writes, fsync, ftruncate and fallocate on files in
            the vault's directory fail with ENOSPC after the first N calls.
            A counting run first finds how many such calls each command
            makes; then the command runs again with the fault at chosen call
            numbers (the default mode: eight spread over the range;
            --full: every call number, then every call number as a one-off
            transient fault, then byte budgets).  Commands: add (a 1.1 MB
            body), edit, delete, passwd, rekey, backup, and list.  Each run
            must either
              - fail with exit status 6 and exactly one "bron: " line that
                says the disk is full, and leave the vault intact (bron
                verify exit 0) with exactly the rows it had before, and no
                partial backup; or
              - succeed (the fault hit a write bron may ignore, such as the
                lock file's pid note or the checkpoint after a commit) with
                the change complete and the vault intact.
  tmpfs     The same commands on a real, nearly full tmpfs (as root, in a
            private mount namespace with unshare -m), at several amounts of
            free space.
  readonly  A vault in a directory with mode 0500, run as nobody (setpriv
            when running as root): what reading commands do; writing commands
            fail with exit 6, one clear sentence, the vault unchanged.  Also
            a vault file with mode 0400 in a writable directory.
  owner     A vault owned by another user (chown nobody): exit 8.
  mode      A vault readable or writable by others: exit 8, "chmod 600".
  editor    add --edit with $XDG_RUNTIME_DIR on a disk falls back to /dev/shm;
            with /dev/shm hidden too (unshare -m, a plain directory bound over
            it) bron refuses, exit 6, and writes nothing.
  files     Damaged vault files through the program: exit statuses.

Prints one "ok", "FAIL" or "skip" line per check and ends with
"N passed, M failed"; exit status 1 when a check failed.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

PASS = "kastanjeboom onder de brug in 1987"
NEWPASS = "zeven blauwe fietsen op het dak"
KDF = ["--kdf-memory", "1", "--kdf-passes", "1"]
TIMEOUT = 120
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
FULL_WORDS = ("disk is full", "no space left")

# ------------------------------------------------------------------ output --

passed = failed = 0
skipped = []
verbose = 0


def check(ok, what, detail=None):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok and detail:
        for line in str(detail).rstrip().splitlines()[:40]:
            print("     " + line)
    if ok:
        passed += 1
    else:
        failed += 1
    return ok


def skip(what, why):
    skipped.append(what)
    print("skip %s: %s" % (what, why), flush=True)


def note(msg):
    print("     " + msg, flush=True)


# ------------------------------------------------------------- running bron --

class Run:
    def __init__(self, cp, cmd):
        self.rc = cp.returncode
        self.out = cp.stdout.decode("utf-8", "replace")
        self.err = cp.stderr.decode("utf-8", "replace")
        self.cmd = cmd

    def errors(self):
        """The "bron: " lines of stderr."""
        return [l for l in self.err.splitlines() if l.startswith("bron: ")]

    def others(self):
        """stderr lines that are neither errors nor known warnings."""
        return [l for l in self.err.splitlines()
                if l and not l.startswith("bron: ")
                and not l.startswith("warning: ")
                and not l.startswith("waarschuwing: ")]

    def show(self):
        return "$ %s\nexit %d\nstdout: %s\nstderr: %s" % (
            " ".join(self.cmd[-6:]), self.rc, self.out[-500:], self.err[-1500:])


class Env:
    """Paths and the environment the program runs in."""

    def __init__(self, bron, shim, localedir, work):
        self.bron = bron
        self.shim = shim
        self.localedir = localedir
        self.work = work
        self.home = os.path.join(work, "home")
        os.makedirs(self.home, exist_ok=True)


E = None


def base_env(extra=None, lang=None):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": E.home,
        "TZ": "UTC",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    if lang:
        env["LANG"] = lang
        if E.localedir:
            env["BRON_LOCALEDIR"] = E.localedir
    else:
        env["LC_ALL"] = "C"
    # Sanitizer builds: the shim is preloaded before libasan.
    asan = os.environ.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
    for k in ("UBSAN_OPTIONS", "LSAN_OPTIONS", "TMPDIR"):
        if k in os.environ:
            env[k] = os.environ[k]
    if extra:
        env.update(extra)
    return env


def bron(vault, args, passlines=(), stdin=b"", extra=None, lang=None,
         prefix=(), shim=None, timeout=TIMEOUT):
    """Runs bron --vault VAULT --passphrase-fd N ARGS; passlines go to fd N."""
    env = base_env(extra, lang)
    if shim:
        env["LD_PRELOAD"] = E.shim
        env.update(shim)
    r, w = os.pipe()
    data = "".join(p + "\n" for p in passlines).encode()
    os.write(w, data)
    os.close(w)
    cmd = list(prefix) + [E.bron, "--vault", vault, "--passphrase-fd", str(r)]
    cmd += list(args)
    try:
        cp = subprocess.run(cmd, input=stdin, capture_output=True, env=env,
                            pass_fds=(r,), timeout=timeout)
    finally:
        os.close(r)
    run = Run(cp, cmd)
    if verbose > 1:
        print(run.show())
    return run


def init_vault(path, prefix=()):
    run = bron(path, ["init"] + KDF, [PASS], prefix=prefix)
    if run.rc != 0:
        raise SystemExit("cannot create a vault: " + run.show())


def add_entry(path, title, body, prefix=()):
    run = bron(path, ["add", "--title", title], [PASS], body.encode(),
               prefix=prefix)
    if run.rc != 0:
        raise SystemExit("cannot add: " + run.show())
    return run.out.strip()


def side(path):
    return [path + s for s in ("", "-wal", "-shm", "-journal", ".lock")]


def remove_vault(path):
    for p in side(path):
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


def copy_vault(src, dst):
    remove_vault(dst)
    for s in ("", "-wal"):
        if os.path.exists(src + s):
            shutil.copyfile(src + s, dst + s)
            os.chmod(dst + s, 0o600)


def rows(path):
    """Every row of meta, record and payload as SQLite sees them (the WAL
    applied), read from a scratch copy so the vault itself is untouched."""
    scratch = os.path.join(E.work, "rows-scratch.bron")
    copy_vault(path, scratch)
    db = sqlite3.connect(scratch)
    try:
        out = (db.execute("SELECT k, v FROM meta ORDER BY k").fetchall(),
               db.execute("SELECT * FROM record ORDER BY id").fetchall(),
               db.execute("SELECT * FROM payload ORDER BY id").fetchall())
    finally:
        db.close()
        remove_vault(scratch)
    return out


def seq_of(r):
    """The manifest's change counter, from rows()."""
    for k, v in r[0]:
        if k == 4:
            return int.from_bytes(v[8:16], "little")
    return None


def intact(path, pw=PASS):
    """bron verify exit 0 (and list opens it for writing): (ok, detail)."""
    v = bron(path, ["verify"], [pw])
    if v.rc != 0:
        return False, "verify: " + v.show()
    lst = bron(path, ["list", "--json"], [pw])
    if lst.rc != 0:
        return False, "list: " + lst.show()
    return True, v.out.strip()


def entries(path, pw=PASS):
    lst = bron(path, ["list", "--json"], [pw])
    if lst.rc != 0:
        return None
    return {e["id"]: e for e in json.loads(lst.out)}


def body_of(path, eid, pw=PASS):
    s = bron(path, ["show", "--json", eid], [pw])
    return json.loads(s.out)["body"] if s.rc == 0 else None


def says_full(msg):
    m = msg.lower()
    return any(w in m for w in FULL_WORDS)


# ---------------------------------------------------------------- fixtures --

BIG = ("Vandaag liepen we langs de rivier. " * 32 + "\n") * 1000  # ~1.1 MB
EDITED = ("An edited entry, longer than before. " * 30 + "\n") * 200  # 220 KB


class Fixture:
    """A closed vault with three entries, and its rows."""

    def __init__(self):
        self.dir = os.path.join(E.work, "pristine")
        os.makedirs(self.dir, exist_ok=True)
        self.path = os.path.join(self.dir, "journal.bron")
        init_vault(self.path)
        self.ids = [
            add_entry(self.path, "alpha", "the first entry\n"),
            add_entry(self.path, "beta", "a middle-sized entry\n" * 1000),
            add_entry(self.path, "gamma", "the third entry\n"),
        ]
        if os.path.exists(self.path + "-wal") and \
                os.path.getsize(self.path + "-wal"):
            raise SystemExit("the fixture vault was not checkpointed")
        self.rows = rows(self.path)
        self.entries = entries(self.path)

    def fresh(self, d):
        """A copy of the vault in directory d (emptied first)."""
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d, mode=0o700)
        p = os.path.join(d, "journal.bron")
        copy_vault(self.path, p)
        return p


# One command under test: its arguments, passphrase lines, stdin, and how to
# tell that it did its job.
class Cmd:
    def __init__(self, name, fx):
        self.name = name
        self.fx = fx

    def args(self, vault):
        fx = self.fx
        return {
            "add": ["add", "--title", "big"],
            "edit": ["edit", fx.ids[1]],
            "delete": ["delete", "--yes", fx.ids[0]],
            "passwd": ["passwd"] + KDF,
            "rekey": ["rekey"],
            "backup": ["backup", self.dest(vault)],
            "list": ["list"],
        }[self.name]

    def passlines(self):
        return [PASS, NEWPASS] if self.name == "passwd" else [PASS]

    def stdin(self):
        return {"add": BIG, "edit": EDITED}.get(self.name, "").encode()

    def dest(self, vault):
        return os.path.join(os.path.dirname(vault), "copy.bron")

    def done(self, vault):
        """After exit 0: (ok, detail) whether the change is complete."""
        fx = self.fx
        pw = NEWPASS if self.name == "passwd" else PASS
        ok, det = intact(vault, pw)
        if not ok:
            return False, det
        if self.name == "add":
            es = entries(vault)
            new = [e for i, e in es.items() if i not in fx.entries]
            if len(es) != len(fx.entries) + 1 or len(new) != 1 or \
                    new[0]["title"] != "big":
                return False, "the new entry is not there: %r" % list(es)
            if body_of(vault, new[0]["id"]) != BIG:
                return False, "the new entry's body differs"
        elif self.name == "edit":
            if body_of(vault, fx.ids[1]) != EDITED:
                return False, "the edited body is not there"
        elif self.name == "delete":
            es = entries(vault)
            if fx.ids[0] in es or len(es) != len(fx.entries) - 1:
                return False, "the entry is not deleted: %r" % list(es)
        elif self.name == "passwd":
            old = bron(vault, ["verify"], [PASS])
            if old.rc != 3:
                return False, "the old passphrase still works: " + old.show()
        elif self.name == "rekey":
            if "key generation 2" not in det:
                return False, "not rekeyed: " + det
            if entries(vault) != self.fx.entries:
                return False, "the entries changed"
        elif self.name == "list":
            if entries(vault) != self.fx.entries or rows(vault) != fx.rows:
                return False, "the vault changed"
        elif self.name == "backup":
            d = self.dest(vault)
            ok, det = intact(d)
            if not ok:
                return False, "the backup: " + det
            if rows(d)[1:] != self.fx.rows[1:]:
                return False, "the backup holds other records"
            if rows(vault) != self.fx.rows:
                return False, "the vault changed"
        return True, ""

    def unchanged(self, vault):
        """After a failure: (ok, detail) whether all is as before."""
        ok, det = intact(vault)
        if not ok:
            return False, "vault not intact after the failure: " + det
        now = rows(vault)
        if now != self.fx.rows:
            return False, ("the vault changed although the command failed "
                           "(manifest change counter %s, was %s)"
                           % (seq_of(now), seq_of(self.fx.rows)))
        if self.name == "backup":
            d = self.dest(vault)
            left = [p for p in side(d)[:3] if os.path.exists(p)]
            if left:
                return False, "a partial backup was left: %s" % left
        return True, ""


COMMANDS = ("add", "edit", "delete", "passwd", "rekey", "backup", "list")


def judge(cmd, run, vault):
    """Classifies one run with a fault: 'clean', 'unclear', 'succeeded' or
    'bad' (with a reason)."""
    if run.rc == 0:
        ok, det = cmd.done(vault)
        return ("succeeded", "") if ok else ("bad", "exit 0 but " + det)
    errs = run.errors()
    if run.rc != 6:
        return "bad", "exit status %d, not 6: %s" % (run.rc, run.err.strip())
    if len(errs) != 1 or run.others():
        return "bad", "not one error line: %r" % run.err
    ok, det = cmd.unchanged(vault)
    if not ok:
        return "bad", det + "\n(message was: %s)" % errs[0]
    if not says_full(errs[0]):
        return "unclear", errs[0]
    return "clean", errs[0]


# ----------------------------------------------------------------- enospc --

def count_calls(cmd, d):
    vault = E.fx.fresh(d)
    log = os.path.join(E.work, "count.log")
    if os.path.exists(log):
        os.unlink(log)
    run = bron(vault, cmd.args(vault), cmd.passlines(), cmd.stdin(),
               shim={"BRON_ENOSPC_DIR": d, "BRON_ENOSPC_LOG": log})
    if run.rc != 0:
        raise SystemExit("%s without a fault failed: %s" % (cmd.name, run.show()))
    ok, det = cmd.done(vault)
    if not ok:
        raise SystemExit("%s without a fault: %s" % (cmd.name, det))
    with open(log) as f:
        m = re.search(r"calls=(\d+) bytes=(\d+)", f.read())
    return int(m.group(1)), int(m.group(2))


def spread(n, k=9):
    pts = {0, 1, 2, n // 4, n // 2, (3 * n) // 4, n - 2, n - 1}
    return sorted(p for p in pts if 0 <= p < n)[:k]


def enospc_part(full):
    d = os.path.join(E.work, "full")
    total = {"clean": 0, "unclear": 0, "succeeded": 0, "bad": 0}
    unclear_msgs = {}
    for name in COMMANDS:
        cmd = Cmd(name, E.fx)
        ncalls, nbytes = count_calls(cmd, d)
        plans = [("after %d calls" % n, {"BRON_ENOSPC_AFTER_CALLS": str(n)})
                 for n in (range(ncalls) if full else spread(ncalls))]
        if full:
            plans += [("only call %d" % n, {"BRON_ENOSPC_AFTER_CALLS": str(n),
                                            "BRON_ENOSPC_ONCE": "1"})
                      for n in range(ncalls)]
            budgets = sorted({0, 1, 100, 4095, 4096, 4097, 32768,
                              nbytes // 4, nbytes // 2, nbytes - 1})
            plans += [("after %d bytes" % b, {"BRON_ENOSPC_AFTER_BYTES": str(b)})
                      for b in budgets if 0 <= b < nbytes]
        tally = {"clean": 0, "unclear": 0, "succeeded": 0, "bad": 0}
        bad = []
        t0 = time.time()
        for label, shim in plans:
            vault = E.fx.fresh(d)
            shim = dict(shim, BRON_ENOSPC_DIR=d)
            run = bron(vault, cmd.args(vault), cmd.passlines(), cmd.stdin(),
                       shim=shim)
            kind, why = judge(cmd, run, vault)
            tally[kind] += 1
            if kind == "bad":
                bad.append("%s: %s" % (label, why))
            elif kind == "unclear":
                unclear_msgs.setdefault(re.sub(r"(?<![\w/])/[^\s:]+", "PATH", why),
                                        []).append("%s %s" % (name, label))
            if verbose:
                note("%s, %s: %s %s" % (name, label, kind, why))
        for k in tally:
            total[k] += tally[k]
        check(not bad,
              "enospc %s: %d writing calls; %d faults: %d failed cleanly "
              "(exit 6), %d with an unclear message, %d succeeded "
              "(best-effort write), %d bad  [%.1f s]"
              % (name, ncalls, len(plans), tally["clean"], tally["unclear"],
                 tally["succeeded"], tally["bad"], time.time() - t0),
              "\n".join(bad[:10]))
    note("enospc in all: %d faults, %d failed cleanly, %d unclear, "
         "%d succeeded, %d bad" % (sum(total.values()), total["clean"],
                                   total["unclear"], total["succeeded"],
                                   total["bad"]))
    check(not unclear_msgs,
          "enospc: every failure says the disk is full",
          "\n".join("%s  <- %d faults, e.g. %s"
                    % (m, len(w), ", ".join(w[:3]))
                    for m, w in sorted(unclear_msgs.items())))
    # The message in Dutch: translated, like every other message.
    if not E.localedir:
        skip("enospc nl", "no LOCALEDIR given")
        return
    cmd = Cmd("add", E.fx)
    for n, what in ((0, "opening"), (40, "writing")):
        vault = E.fx.fresh(d)
        shim = {"BRON_ENOSPC_DIR": d, "BRON_ENOSPC_AFTER_CALLS": str(n)}
        en = bron(vault, cmd.args(vault), cmd.passlines(), cmd.stdin(),
                  shim=shim)
        vault = E.fx.fresh(d)
        nl = bron(vault, cmd.args(vault), cmd.passlines(), cmd.stdin(),
                  shim=shim, lang="nl_NL.UTF-8")
        ok = nl.rc == 6 and en.errors() and nl.errors() and \
            nl.errors() != en.errors()
        check(ok, "enospc nl: the disk-full message while %s is translated "
              "(after %d calls)" % (what, n),
              "en: %s\nnl: %s" % (en.err.strip(), nl.err.strip()))


# ------------------------------------------------------------------ tmpfs --

def can_unshare():
    if os.geteuid() != 0:
        return "not running as root"
    if not shutil.which("unshare"):
        return "no unshare program"
    probe = os.path.join(E.work, "probe")
    os.makedirs(probe, exist_ok=True)
    cp = subprocess.run(["unshare", "-m", "sh", "-c",
                         'mount -t tmpfs -o size=64k tmpfs "$0"', probe],
                        capture_output=True)
    if cp.returncode != 0:
        return "unshare -m with a tmpfs mount is not permitted here: " + \
            cp.stderr.decode(errors="replace").strip()
    return None


def inner_tmpfs(spec_path):
    """Runs inside `unshare -m`: mounts a small tmpfs, fills it to leave
    `free` bytes, runs one command, copies the vault files out."""
    with open(spec_path) as f:
        spec = json.load(f)
    mnt = spec["mnt"]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk,mode=0700"
                    % spec["size_kb"], "tmpfs", mnt], check=True)
    vault = os.path.join(mnt, "journal.bron")
    shutil.copyfile(spec["pristine"], vault)
    os.chmod(vault, 0o600)
    filler = os.path.join(mnt, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    chunk = b"\0" * 65536
    size = 0
    while True:
        try:
            n = os.write(fd, chunk if len(chunk) else b"\0")
            size += n
        except OSError:
            if len(chunk) == 1:
                break
            chunk = chunk[:len(chunk) // 2]
    os.ftruncate(fd, max(0, size - spec["free"]))
    os.close(fd)
    st = os.statvfs(mnt)
    env = dict(spec["env"])
    r, w = os.pipe()
    os.write(w, "".join(p + "\n" for p in spec["passlines"]).encode())
    os.close(w)
    args = [a.replace("@MNT@", mnt) for a in spec["args"]]
    cp = subprocess.run([spec["bron"], "--vault", vault, "--passphrase-fd",
                         str(r)] + args, input=spec["stdin"].encode(),
                        capture_output=True, env=env, pass_fds=(r,),
                        timeout=TIMEOUT)
    os.unlink(filler)
    out = spec["out"]
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(mnt):
        if name.endswith("-shm"):
            continue  # SQLite rebuilds it from the WAL
        shutil.copyfile(os.path.join(mnt, name), os.path.join(out, name))
        os.chmod(os.path.join(out, name), 0o600)
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump({"rc": cp.returncode, "out": cp.stdout.decode(errors="replace"),
                   "err": cp.stderr.decode(errors="replace"),
                   "avail": st.f_bavail * st.f_frsize}, f)


def tmpfs_part(full):
    why = can_unshare()
    if why:
        skip("tmpfs: commands on a real, nearly full tmpfs", why)
        return
    frees = [0, 4096, 16384, 65536, 262144, 1 << 20] if full else \
        [0, 16384, 262144]
    unclear = {}
    for name in COMMANDS:
        cmd = Cmd(name, E.fx)
        tally = {"clean": 0, "unclear": 0, "succeeded": 0, "bad": 0}
        bad, msgs = [], set()
        for free in frees:
            mnt = os.path.join(E.work, "mnt")
            out = os.path.join(E.work, "mnt-out")
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(mnt, exist_ok=True)
            fake = os.path.join(mnt, "journal.bron")
            args = [a.replace(os.path.dirname(fake), "@MNT@")
                    for a in cmd.args(fake)]
            spec = {"mnt": mnt, "size_kb": 8192, "free": free,
                    "pristine": E.fx.path, "bron": E.bron, "args": args,
                    "passlines": cmd.passlines(),
                    "stdin": cmd.stdin().decode(), "out": out,
                    "env": base_env()}
            sp = os.path.join(E.work, "spec.json")
            with open(sp, "w") as f:
                json.dump(spec, f)
            cp = subprocess.run(["unshare", "-m", sys.executable,
                                 os.path.abspath(__file__), "--inner-tmpfs",
                                 sp], capture_output=True, timeout=TIMEOUT * 3)
            if cp.returncode != 0:
                bad.append("free %d: the namespace run failed: %s"
                           % (free, cp.stderr.decode(errors="replace")[-800:]))
                tally["bad"] += 1
                continue
            with open(os.path.join(out, "result.json")) as f:
                res = json.load(f)
            run = Run(subprocess.CompletedProcess([], res["rc"],
                                                  res["out"].encode(),
                                                  res["err"].encode()), args)
            vault = os.path.join(out, "journal.bron")
            kind, why = judge(cmd, run, vault)
            tally[kind] += 1
            if kind == "bad":
                bad.append("free %d: %s" % (free, why))
            elif kind == "clean":
                msgs.add(re.sub(r"(?<![\w/])/[^\s:]+", "PATH", why))
            elif kind == "unclear":
                unclear.setdefault(re.sub(r"(?<![\w/])/[^\s:]+", "PATH", why),
                                   []).append("%s at %d free" % (name, free))
            if verbose:
                note("%s, %d bytes free: %s %s" % (name, free, kind, why))
        check(not bad,
              "tmpfs %s at %s bytes free: %d failed cleanly (exit 6), "
              "%d with an unclear message, %d succeeded, %d bad"
              % (name, "/".join(str(f) for f in frees), tally["clean"],
                 tally["unclear"], tally["succeeded"], tally["bad"]),
              "\n".join(bad))
        for m in sorted(msgs):
            note(m)
    check(not unclear, "tmpfs: every failure says the disk is full",
          "\n".join("%s  <- %s" % (m, ", ".join(w))
                    for m, w in sorted(unclear.items())))


# --------------------------------------------------------------- readonly --

def as_nobody_prefix():
    """The command prefix that runs as an unprivileged user, or (None, why)."""
    if os.geteuid() != 0:
        return [], None
    if not shutil.which("setpriv"):
        return None, "running as root and setpriv is missing"
    cp = subprocess.run(NOBODY + ["true"], capture_output=True)
    if cp.returncode != 0:
        return None, "setpriv cannot switch to nobody: " + \
            cp.stderr.decode(errors="replace").strip()
    return NOBODY, None


def nobody_dir():
    """A directory nobody owns and may use, reachable for nobody."""
    d = tempfile.mkdtemp(prefix="bron-faults-nobody-")
    if os.geteuid() == 0:
        os.chown(d, 65534, 65534)
    os.chmod(d, 0o700)
    return d


def tree_state(d):
    out = {}
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        st = os.stat(p)
        with open(p, "rb") as f:
            out[name] = (st.st_size, stat.S_IMODE(st.st_mode),
                         hashlib.sha256(f.read()).hexdigest())
    return out


READERS = [("list", ["list"]), ("search", ["search", "entry"]),
           ("show", ["show", "@ID"]), ("verify", ["verify"])]
WRITERS = [("add", ["add", "--title", "x"], [PASS], b"new text\n"),
           ("edit", ["edit", "@ID"], [PASS], b"changed text\n"),
           ("level", ["level", "@ID", "shareable"], [PASS], b""),
           ("delete", ["delete", "--yes", "@ID"], [PASS], b""),
           ("passwd", ["passwd"] + KDF, [PASS, NEWPASS], b""),
           ("rekey", ["rekey"], [PASS], b"")]


def readonly_part(full):
    prefix, why = as_nobody_prefix()
    if prefix is None:
        skip("readonly: a read-only vault directory", why)
        return
    top = nobody_dir()
    try:
        readonly_dir(prefix, top)
        readonly_file(prefix, top)
    finally:
        for root, dirs, files in os.walk(top):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o700)
        shutil.rmtree(top, ignore_errors=True)


def nobody_vault(prefix, top, sub):
    d = os.path.join(top, sub)
    os.makedirs(d)
    if os.geteuid() == 0:
        os.chown(d, 65534, 65534)
    os.chmod(d, 0o700)
    v = os.path.join(d, "journal.bron")
    home = E.home
    E.home = top
    try:
        init_vault(v, prefix=prefix)
        eid = add_entry(v, "first", "an entry to read\n", prefix=prefix)
    finally:
        E.home = home
    return d, v, eid


def run_as(prefix, top, v, args, pl, stdin, eid, lang=None):
    home = E.home
    E.home = top
    try:
        return bron(v, [eid if a == "@ID" else a for a in args], pl, stdin,
                    prefix=prefix, lang=lang)
    finally:
        E.home = home


def readonly_dir(prefix, top):
    d, v, eid = nobody_vault(prefix, top, "ro-dir")
    os.chmod(d, 0o500)
    before = tree_state(d)
    who = "as nobody" if prefix else "unprivileged"
    for name, args in READERS:
        run = run_as(prefix, top, v, args, [PASS], b"", eid)
        errs = run.errors()
        if name == "verify":
            # verify opens the vault read-only and never writes: it has no
            # reason to need a writable directory.
            check(run.rc == 0, "readonly dir (0500, %s): 'verify' checks "
                  "the vault (exit %d)" % (who, run.rc), run.err.strip())
            continue
        # The others open the vault for writing; refusing is acceptable if
        # it is one clear sentence, but say what happened.
        ok = run.rc == 0 or (run.rc == 6 and len(errs) == 1 and
                             re.search(r"read-only", errs[0]))
        check(ok, "readonly dir (0500, %s): '%s' %s" % (
            who, name, "reads the vault" if run.rc == 0 else
            "cannot read it: exit %d: %s" % (run.rc, run.err.strip())),
            run.show())
    for name, args, pl, stdin in WRITERS:
        run = run_as(prefix, top, v, args, pl, stdin, eid)
        errs = run.errors()
        ok = run.rc == 6 and len(errs) == 1 and not run.others() and \
            re.search(r"read-only|permission", errs[0], re.I)
        check(ok, "readonly dir: '%s' fails, exit 6, one sentence: %s"
              % (name, errs[0] if errs else run.err.strip()), run.show())
        check(tree_state(d) == before,
              "readonly dir: '%s' left the directory unchanged" % name)
    os.chmod(d, 0o700)
    vr = run_as(prefix, top, v, ["verify"], [PASS], b"", eid)
    check(vr.rc == 0, "readonly dir: the vault verifies once the directory "
          "is writable again", vr.show())


def readonly_file(prefix, top):
    d, v, eid = nobody_vault(prefix, top, "ro-file")
    os.chmod(v, 0o400)
    before_rows = rows(v)
    for name, args in READERS:
        run = run_as(prefix, top, v, args, [PASS], b"", eid)
        check(run.rc == 0, "read-only vault file (0400): '%s' reads it "
              "(exit %d)" % (name, run.rc), run.err.strip())
    for name, args, pl, stdin in WRITERS:
        run = run_as(prefix, top, v, args, pl, stdin, eid)
        errs = run.errors()
        ok = run.rc == 6 and len(errs) == 1 and not run.others() and \
            re.search(r"read-only|permission", errs[0], re.I)
        check(ok, "read-only vault file: '%s' fails, exit 6, one sentence: "
              "%s" % (name, errs[0] if errs else run.err.strip()), run.show())
    check(rows(v) == before_rows,
          "read-only vault file: the vault's rows are unchanged")
    os.chmod(v, 0o600)
    vr = run_as(prefix, top, v, ["verify"], [PASS], b"", eid)
    check(vr.rc == 0, "read-only vault file: verifies afterwards", vr.show())


# ------------------------------------------------------------ owner, mode --

def owner_part(full):
    if os.geteuid() != 0:
        skip("owner: a vault owned by another user", "chown needs root")
        return
    d = os.path.join(E.work, "owner")
    v = E.fx.fresh(d)
    os.chown(v, 65534, 65534)
    for name, args, pl in (("list", ["list"], [PASS]),
                           ("verify", ["verify"], [PASS]),
                           ("add", ["add", "--title", "x"], [PASS])):
        run = bron(v, args, pl, b"text\n")
        errs = run.errors()
        check(run.rc == 8 and len(errs) == 1 and
              "another user" in errs[0],
              "owner: '%s' on a vault owned by nobody: exit %d: %s"
              % (name, run.rc, errs[0] if errs else run.err.strip()),
              run.show())
    check(rows(v) == E.fx.rows, "owner: the vault is unchanged")
    if E.localedir:
        run = bron(v, ["list"], [PASS], lang="nl_NL.UTF-8")
        check(run.rc == 8 and "another user" not in run.err,
              "owner: the refusal is translated: %s" % run.err.strip())


def mode_part(full):
    d = os.path.join(E.work, "mode")
    v = E.fx.fresh(d)
    for mode in (0o644, 0o640, 0o604, 0o620, 0o602, 0o660):
        os.chmod(v, mode)
        run = bron(v, ["list"], [PASS])
        errs = run.errors()
        check(run.rc == 8 and len(errs) == 1 and "chmod 600" in errs[0] and
              ("%03o" % mode) in errs[0],
              "mode %03o: refused, exit %d: %s"
              % (mode, run.rc, errs[0] if errs else run.err.strip()),
              run.show())
    os.chmod(v, 0o644)
    run = bron(v, ["add", "--title", "x"], [PASS], b"text\n")
    check(run.rc == 8, "mode 644: 'add' refused too (exit %d)" % run.rc)
    check(stat.S_IMODE(os.stat(v).st_mode) == 0o644 and rows(v) == E.fx.rows,
          "mode 644: bron changed neither the mode nor the vault")
    if E.localedir:
        run = bron(v, ["list"], [PASS], lang="nl_NL.UTF-8")
        check(run.rc == 8 and "chmod 600" in run.err and
              "can be read" not in run.err,
              "mode 644: the refusal is translated and still names chmod "
              "600: %s" % run.err.strip())
    os.chmod(v, 0o600)
    run = bron(v, ["verify"], [PASS])
    check(run.rc == 0, "mode 600 again: the vault opens", run.show())


# ----------------------------------------------------------------- editor --

def is_tmpfs(path):
    cp = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True)
    return cp.stdout.decode().strip() in ("tmpfs", "ramfs")


def editor_part(full):
    d = os.path.join(E.work, "editor")
    v = E.fx.fresh(d)
    log = os.path.join(E.work, "editor.log")
    script = os.path.join(E.work, "fake-editor")
    with open(script, "w") as f:
        f.write('#!/bin/sh\necho "$1" >> "%s"\n'
                'printf "written in the editor\\n" > "$1"\n' % log)
    os.chmod(script, 0o755)
    disk = os.path.join(E.work, "runtime-on-disk")
    os.makedirs(disk, mode=0o700, exist_ok=True)
    if is_tmpfs(disk):
        skip("editor", "the work directory is itself a tmpfs; set TMPDIR to "
             "a disk")
        return
    shm_ok = is_tmpfs("/dev/shm")

    def add_edit(extra, prefix=(), lang=None, args=None):
        if os.path.exists(log):
            os.unlink(log)
        env = {"EDITOR": script, "VISUAL": ""}
        env.update(extra)
        run = bron(v, args or ["add", "--edit", "--title", "edited"], [PASS],
                   extra=env, prefix=prefix, lang=lang)
        used = open(log).read().split() if os.path.exists(log) else []
        return run, used

    cases = [("XDG_RUNTIME_DIR on a disk", {"XDG_RUNTIME_DIR": disk}),
             ("no XDG_RUNTIME_DIR", {})]
    for what, extra in cases:
        if not shm_ok:
            skip("editor: %s" % what, "/dev/shm is not a tmpfs here")
            continue
        run, used = add_edit(extra)
        ok = run.rc == 0 and len(used) == 1 and \
            used[0].startswith("/dev/shm/bron-edit-") and \
            not os.path.exists(os.path.dirname(used[0])) and \
            not os.listdir(disk)
        check(ok, "editor, %s: bron used /dev/shm (%s) and removed its "
              "directory" % (what, used[0] if used else "editor not run"),
              run.show())
    if shm_ok:
        rt = tempfile.mkdtemp(prefix="bron-faults-rt-", dir="/dev/shm")
        run, used = add_edit({"XDG_RUNTIME_DIR": rt})
        check(run.rc == 0 and len(used) == 1 and used[0].startswith(rt + "/")
              and not os.listdir(rt),
              "editor, XDG_RUNTIME_DIR on a tmpfs: used it and cleaned up",
              run.show())
        shutil.rmtree(rt, ignore_errors=True)

    why = can_unshare()
    if why:
        skip("editor: refusal without any tmpfs", why)
        return
    plain = os.path.join(E.work, "plain-shm")
    os.makedirs(plain, mode=0o1777, exist_ok=True)
    hide = ["unshare", "-m", "sh", "-c",
            'mount --bind "$0" /dev/shm && exec "$@"', plain]
    before = rows(v)
    for what, args in (("add --edit", None),
                       ("edit --edit", ["edit", "--edit", E.fx.ids[0]])):
        run, used = add_edit({"XDG_RUNTIME_DIR": disk}, prefix=hide, args=args)
        errs = run.errors()
        ok = run.rc == 6 and len(errs) == 1 and "tmpfs" in errs[0] and \
            not used and not os.listdir(plain) and not os.listdir(disk)
        check(ok, "editor, %s, no tmpfs anywhere: refused, exit %d: %s"
              % (what, run.rc, errs[0] if errs else run.err.strip()),
              run.show())
    check(rows(v) == before, "editor: the refusals wrote nothing to the vault")
    if E.localedir:
        run, used = add_edit({"XDG_RUNTIME_DIR": disk}, prefix=hide,
                             lang="nl_NL.UTF-8")
        errs = run.errors()
        check(run.rc == 6 and errs and "memory-backed" not in errs[0],
              "editor: the refusal is translated: %s"
              % (errs[0] if errs else run.err.strip()))


# ------------------------------------------------------------------ files --

def files_part(full):
    d = os.path.join(E.work, "files")
    cases = []

    def trunc(p):
        with open(p, "r+b") as f:
            f.truncate(4096)

    def empty(p):
        open(p, "wb").close()

    def text(p):
        with open(p, "wb") as f:
            f.write(b"not a vault, just some text\n")

    def version(p):
        db = sqlite3.connect(p)
        h = bytearray(db.execute("SELECT v FROM meta WHERE k = 1").fetchone()[0])
        h[8:12] = (2).to_bytes(4, "little")
        h[32:64] = hashlib.blake2b(bytes(h[:32]), digest_size=32).digest()
        db.execute("UPDATE meta SET v = ? WHERE k = 1", (bytes(h),))
        db.commit()
        db.close()

    def flip_ct(p):
        db = sqlite3.connect(p)
        i, ct = db.execute("SELECT id, ct FROM payload LIMIT 1").fetchone()
        ct = bytearray(ct)
        ct[100] ^= 1
        db.execute("UPDATE payload SET ct = ? WHERE id = ?", (bytes(ct), i))
        db.commit()
        db.close()

    def schema_bit(p):
        with open(p, "r+b") as f:
            b = bytearray(f.read())
            i = b.find(b"nonce BLOB")
            b[i] ^= 0x04  # "nonce" -> "jonce": the column is gone
            f.seek(0)
            f.write(b)

    def schema_format(p):
        with open(p, "r+b") as f:
            f.seek(47)  # SQLite header: schema format number, 4 -> 12
            x = f.read(1)[0]
            f.seek(47)
            f.write(bytes([x ^ 0x08]))

    cases = [("truncated to one page", trunc, "list", 4),
             ("one bit of a column name in the schema", schema_bit, "list", 4),
             ("one bit of the SQLite schema format number", schema_format,
              "list", 4),
             ("zero-length", empty, "list", 7),
             ("a text file", text, "list", 7),
             ("format version 2", version, "list", 9),
             ("one ciphertext bit flipped", flip_ct, "list", 4),
             ("one ciphertext bit flipped", flip_ct, "verify", 4)]
    for what, damage, command, want in cases:
        v = E.fx.fresh(d)
        damage(v)
        os.chmod(v, 0o600)
        run = bron(v, [command], [PASS])
        errs = run.errors()
        check(run.rc == want and len(errs) == 1,
              "files: %s: '%s' exits %d: %s"
              % (what, command, run.rc, errs[0] if errs else run.err.strip()),
              run.show())
    # Whole-file rollback: a documented limit (FORMAT.md §14).
    v = E.fx.fresh(d)
    old = os.path.join(E.work, "older.bron")
    shutil.copyfile(v, old)
    add_entry(v, "later", "written after the copy was taken\n")
    shutil.copyfile(old, v)
    run = bron(v, ["list", "--json"], [PASS])
    n = len(json.loads(run.out)) if run.rc == 0 else -1
    check(run.rc == 0 and n == len(E.fx.entries),
          "files: the vault replaced by an older copy opens with the older "
          "%d entries (exit %d): undetectable, as documented" % (n, run.rc))


# ------------------------------------------------------------------- main --

PARTS = [("enospc", enospc_part), ("tmpfs", tmpfs_part),
         ("readonly", readonly_part), ("owner", owner_part),
         ("mode", mode_part), ("editor", editor_part), ("files", files_part)]


def main():
    global E, verbose
    if len(sys.argv) == 3 and sys.argv[1] == "--inner-tmpfs":
        inner_tmpfs(sys.argv[2])
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("bron")
    ap.add_argument("shim")
    ap.add_argument("localedir", nargs="?")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("-k", action="append", default=[])
    ap.add_argument("-v", action="count", default=0)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    verbose = a.v
    work = tempfile.mkdtemp(prefix="bron-faults-")
    E = Env(os.path.abspath(a.bron), os.path.abspath(a.shim),
            os.path.abspath(a.localedir) if a.localedir else None, work)
    t0 = time.time()
    try:
        E.fx = Fixture()
        for name, fn in PARTS:
            if a.k and not any(k in name for k in a.k):
                continue
            print("-- %s --" % name, flush=True)
            t = time.time()
            fn(a.full)
            note("[%s: %.1f s]" % (name, time.time() - t))
    finally:
        if a.keep:
            print("files kept in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("%.1f s; %d skipped%s" % (time.time() - t0, len(skipped),
                                   ": " + "; ".join(skipped) if skipped else ""))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
