#!/usr/bin/env python3
"""A whole scripted bron session with a canary in every piece of journal text:
titles, bodies, tags, reasons, search terms, editor text and shell input.
Afterwards the canary (and the passphrase) must be in no file under the vault
directory, $HOME, /tmp, $XDG_RUNTIME_DIR or /dev/shm.

usage: session_canary.py BRON LOCALEDIR
"""
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import pexpect

BRON, LOCALEDIR = sys.argv[1], sys.argv[2]
CANARY = "KANARIE" + secrets.token_hex(8).upper()
PASS = "canary session " + secrets.token_hex(6)
NEWPASS = "another canary passphrase " + secrets.token_hex(6)
START = time.time() - 1


def forms(s):
    """The byte strings that would betray s."""
    out = set()
    for v in (s, s.lower(), s.upper()):
        out.add(v.encode())
        out.add(v.encode("utf-16-le"))
    return out


NEEDLES = forms(CANARY) | forms(PASS) | forms(NEWPASS)


def scan(roots, since=None):
    """Every regular file under roots holding a needle: [(path, needle)]."""
    hits = []
    for root in roots:
        if not root or not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
            for name in filenames:
                p = os.path.join(dirpath, name)
                try:
                    st = os.lstat(p)
                    if not stat.S_ISREG(st.st_mode):
                        continue
                    if since and st.st_mtime < since and st.st_ctime < since:
                        continue
                    with open(p, "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                for n in NEEDLES:
                    if n in data:
                        hits.append((p, n))
    return hits


def main():
    home = tempfile.mkdtemp(prefix="bron-canary-home-")
    runtime = tempfile.mkdtemp(prefix="bron-canary-run-", dir="/dev/shm")
    os.chmod(runtime, 0o700)
    vault_dir = os.path.join(home, ".local", "share", "bron")
    editor = os.path.join(home, "fake-editor")
    with open(editor, "w") as f:
        # The canary reaches the editor through the environment, so this
        # script itself holds none.
        f.write('#!/bin/sh\nprintf "%s\\n" "$EDITOR_TEXT" >> "$1"\n')
    os.chmod(editor, 0o700)
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_RUNTIME_DIR=runtime, BRON_LOCALEDIR=LOCALEDIR, LANG="C.UTF-8",
               EDITOR=editor, VISUAL="", TERM="xterm", NO_COLOR="1",
               EDITOR_TEXT="written in the editor " + CANARY)
    env.pop("BRON_VAULT", None)
    env.pop("LANGUAGE", None)

    def bron(args, secrets_in, stdin=None, ok=(0,)):
        r, w = os.pipe()
        os.write(w, "".join(s + "\n" for s in secrets_in).encode())
        os.close(w)
        p = subprocess.run([BRON, "--passphrase-fd", str(r)] + args, env=env,
                           input=(stdin or "").encode(), capture_output=True,
                           pass_fds=(r,), timeout=60)
        os.close(r)
        if p.returncode not in ok:
            sys.exit("bron %s: exit %d: %s" % (" ".join(args), p.returncode,
                                               p.stderr.decode()))
        return p.stdout.decode()

    bron(["init", "--kdf-memory", "8", "--kdf-passes", "1"], [PASS])
    a = bron(["add", "--title", "Title " + CANARY, "--tag", "tag" + CANARY,
              "--level", "shareable", "--area", "work"], [PASS],
             stdin="Body with the canary " + CANARY + " in it.\n" * 50).strip()
    b = bron(["add", "--edit", "--title", "second"], [PASS]).strip()
    c = bron(["add", "--title", "to delete " + CANARY], [PASS],
             stdin=CANARY * 100).strip()
    bron(["list"], [PASS])
    bron(["list", "--tag", "tag" + CANARY, "--json"], [PASS])
    bron(["search", CANARY.lower()], [PASS])
    bron(["show", a[:6]], [PASS])
    bron(["show", "--json", b[:6]], [PASS])
    bron(["edit", b[:6]], [PASS], stdin="piped in " + CANARY)  # non-tty stdin
    bron(["edit", "--edit", "--title", "edited " + CANARY, b[:6]], [PASS])
    bron(["level", a[:6], "not-yet-shareable", "--why", "because " + CANARY], [PASS])
    bron(["backup", os.path.join(vault_dir, "backup.bron")], [PASS])
    bron(["backup", os.path.join(home, "elsewhere.bron")], [PASS])
    bron(["verify"], [PASS])
    bron(["delete", "--yes", c[:6]], [PASS])
    bron(["rekey"], [PASS])
    bron(["passwd", "--kdf-memory", "8", "--kdf-passes", "1", "--force"], [PASS, NEWPASS])

    # The shell: typed text, a search, an entry from the prompt, lock and unlock.
    sh = pexpect.spawn(BRON, [], env=env, encoding="utf-8", timeout=30)
    sh.expect("Passphrase: ")
    sh.sendline(NEWPASS)
    sh.expect("bron> ")
    sh.sendline("search " + CANARY)
    sh.expect("bron> ")
    sh.sendline("add --title 'shell " + CANARY + "' --tag 'shell" + CANARY + "'")
    sh.expect(r"\(\.\)")
    sh.sendline("typed in the shell " + CANARY)
    sh.sendline(".")
    sh.expect("bron> ")
    sh.sendline("lock")
    sh.expect("bron> ")
    sh.sendline("list --tag shell" + CANARY)
    sh.expect("Passphrase: ")
    sh.sendline(NEWPASS)
    sh.expect("bron> ")
    sh.sendeof()
    sh.expect(pexpect.EOF)
    sh.close()
    if sh.exitstatus != 0:
        sys.exit("the shell exited with %r" % sh.exitstatus)

    roots = [vault_dir, home, runtime, "/dev/shm", os.environ.get("XDG_RUNTIME_DIR")]
    hits = scan(roots) + scan(["/tmp", tempfile.gettempdir()], since=START)
    files = sorted(os.listdir(vault_dir))

    # The scanner must be able to see a leak: plant one and look.
    plant = os.path.join(home, "planted")
    with open(plant, "w") as f:
        f.write("x" + CANARY.lower() + "x")
    planted = scan([home])
    os.unlink(plant)

    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(runtime, ignore_errors=True)
    if not any(p == plant for p, _ in planted):
        sys.exit("self-check failed: the scanner missed a planted canary")
    if hits:
        for p, n in hits:
            print("LEAK: %s holds %r" % (p, n[:40]))
        sys.exit("%d files hold journal text or a passphrase" % len(hits))
    print("vault directory after the session: %s" % ", ".join(files))
    print("1 passed, 0 failed")


main()
