#!/usr/bin/env python3
"""The no-leak proof for encrypted bundles: decrypt, then look for canaries.

usage: bundle_leak.py BRON LOCALEDIR [JOURNALS [SEED]]

Builds JOURNALS (default 30) random vaults with bron itself.  Each holds
3 to 8 entries at random levels with random bodies (nested, escaped and
unclosed [[, markup that looks like HTML or Markdown, Unicode, long lines)
and a pseudonym (`names add`).  What may not leave the vault carries a
canary word of its own: the title, text and tag of every private and every
not-yet-shareable entry, every private passage, the rest of the text after
an unclosed [[, and the pseudonym's name (written in shareable text).
Every shareable entry carries visible markers of the same shape in its
title and text, outside its passages, so a canary that leaked would be
seen just as they are.

For each vault, in every format (md, txt, html, json), every --withheld
mode (omit, placeholder, count) and both forms (binary and armored), it
writes `bron supervision --yes --to KEY --out FILE`, and checks that the
file is an age file of that form holding no marker in the clear, that
`age -d -i KEY` and `bron open FILE` give the same text, that this text is
exactly the view `bron supervision --yes` prints with the same format and
mode, that no canary is in it (in any case), and that every visible
marker is.  As a control, `bron show` of each journal's first private
entry must print its canaries: they really are in the vault.

Prints the counts (journals, bundles, decryptions, canaries, visible
markers, leaks, failures); exit 0 when all holds.
"""
import concurrent.futures
import itertools
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading

PASS = "een brug over het water bij avond"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]
FORMATS = ["md", "txt", "html", "json"]
WITHHELD = ["omit", "placeholder", "count"]
LEVELS = ["shareable", "not-yet-shareable", "private"]
FILLER = ["de dag begon rustig", "ik dacht aan vroeger", "**vet** _schuin_",
          "<b>kop</b> &amp; <script>x</script>", "# geen kop", "> citaat",
          "herstel in fase 2", "één café, naïef, Ærø", "\\[[ geen passage",
          "regel met | streep", "`code`", "[link](http://example.org)",
          "\"aanhalingstekens\" en 'enkele'", "tab\tin de regel"]
BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----\n"
END = b"-----END AGE ENCRYPTED FILE-----\n"


class Words:
    """Words of lowercase letters only, so that no detector touches them
    (as in reflect_leak.py): "qzgeheim...kanarie" must never show,
    "qzzicht...kanarie" must.  Thread-safe."""

    def __init__(self):
        self.n = itertools.count()
        self.lock = threading.Lock()

    def word(self, stem):
        with self.lock:
            n = next(self.n)
        s = ""
        while True:
            s += "abcdefghijklmnop"[n % 16]
            n //= 16
            if not n:
                break
        return "qz%s%skanarie" % (stem, s)

    def secret(self):
        return self.word("geheim")

    def visible(self):
        return self.word("zicht")


def bron(binary, env, *args, stdin=b"", ok=True):
    r, w = os.pipe()
    os.write(w, (PASS + "\n").encode())
    os.close(w)
    try:
        res = subprocess.run([binary, "--passphrase-fd", str(r)] + list(args),
                             input=stdin, env=env, pass_fds=(r,),
                             capture_output=True, timeout=120)
    finally:
        os.close(r)
    if ok and res.returncode != 0:
        raise RuntimeError("bron %s: exit %d: %s" % (
            " ".join(args), res.returncode, res.stderr.decode()))
    return res


def body(rng, words, secret, visible, name):
    """Random text; returns it with the canaries it holds.  secret: the
    entry's own canary (private and not-yet-shareable entries); visible: a
    marker outside the passages (shareable ones); name: the pseudonym,
    written where it would show if it were not replaced."""
    parts, secrets = [], []
    for _ in range(rng.randint(1, 6)):
        k = rng.random()
        if k < 0.3:
            c = words.secret()
            secrets.append(c)
            # nested passages and an escaped "\]]" do not end it early
            inner = rng.choice(["", "[[genest]] ", "a \\]] b? ",
                                "regel\neen ", "*", "<i>"])
            parts.append("[[" + inner + c + "]]")
        else:
            parts.append(rng.choice(FILLER))
    for extra in (visible, secret, name):
        if extra:
            parts.insert(rng.randint(0, len(parts)), extra)
    if rng.random() < 0.15:
        c = words.secret()
        secrets.append(c)
        parts.append("[[ nooit gesloten " + c)
    if rng.random() < 0.1:
        parts.append("lang " * 3000)
    return " ".join(parts) + "\n", secrets


def journal(binary, localedir, tmp, j, seed, words, key, pub):
    """Builds journal j and checks its 24 bundles; returns a dict of counts
    and the failures."""
    rng = random.Random(seed * 1000 + j)
    got = {"bundles": 0, "opened": 0, "canaries": 0, "visible": 0,
           "leaks": 0, "failures": []}
    fail = got["failures"].append
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": tmp, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "LANGUAGE": "", "TZ": "UTC", "BRON_LOCALEDIR": localedir,
           "BRON_VAULT": os.path.join(tmp, "v%d.bron" % j)}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]

    def b(*args, **kw):
        return bron(binary, env, *args, **kw)

    b("init", *KDF, "--force")
    b("identity", "new")
    name = "Qz" + words.word("naam")[2:]
    b("names", "add", name)
    secrets, shown, first_private = [name], [], None
    levels = [rng.choice(LEVELS) for _ in range(rng.randint(3, 8))]
    if "shareable" not in levels:
        levels[0] = "shareable"
    for level in levels:
        if level == "shareable":
            own, visible = None, words.visible()
            title, tag = "Titel " + words.visible(), "thuis"
            shown += [visible, title.split()[1]]
            text, spans = body(rng, words, None, visible,
                               name if rng.random() < 0.7 else None)
        else:
            # a private or not-yet-shareable entry: title, text and tag
            own = words.secret()
            title, tag = "Titel " + words.secret(), words.secret()
            secrets += [own, title.split()[1], tag]
            text, spans = body(rng, words, own, None, None)
        res = b("add", "--title", title, "--level", level, "--tag", tag,
                stdin=text.encode())
        secrets += spans
        if level == "private" and first_private is None:
            first_private = (res.stdout.decode().strip(), title.split()[1],
                             own)
    got["canaries"] = len(secrets)
    got["visible"] = len(shown)
    if first_private:
        # the control: the canaries are in the vault, and show where they
        # may (the entry itself)
        eid, t, own = first_private
        out = b("show", eid).stdout.decode()
        if t not in out or own not in out:
            fail("journal %d: show %s lacks its own canaries %s %s" %
                 (j, eid, t, own))
    for fmt in FORMATS:
        for withheld in WITHHELD:
            plain = b("supervision", "--yes", "--format", fmt, "--withheld",
                      withheld).stdout
            for armor in (False, True):
                where = "journal %d, %s, --withheld %s, %s" % (
                    j, fmt, withheld, "armored" if armor else "binary")
                out = os.path.join(tmp, "b%d.age" % j)
                if os.path.exists(out):
                    os.unlink(out)
                b("supervision", "--yes", "--format", fmt, "--withheld",
                  withheld, "--to", pub, "--out", out,
                  *(["--armor"] if armor else []))
                got["bundles"] += 1
                raw = open(out, "rb").read()
                if armor != raw.startswith(BEGIN) or \
                        armor != raw.endswith(END) or \
                        (not armor and
                         not raw.startswith(b"age-encryption.org/v1\n")):
                    fail("%s: not an age file of that form: %r" %
                         (where, raw[:40]))
                low = raw.lower()
                for w in shown:
                    if w.encode() in low:
                        fail("%s: %s is in the bundle in the clear" %
                             (where, w))
                a = subprocess.run(["age", "-d", "-i", key, out],
                                   capture_output=True, timeout=60)
                o = b("open", out, ok=False)
                got["opened"] += 2
                if a.returncode != 0 or o.returncode != 0:
                    fail("%s: age exit %d %r, bron open exit %d %r" % (
                        where, a.returncode, a.stderr[:200], o.returncode,
                        o.stderr[:200]))
                    continue
                if a.stdout != o.stdout:
                    fail(where + ": age -d and bron open give different "
                         "texts")
                if a.stdout != plain:
                    # the day may have changed in between
                    plain = b("supervision", "--yes", "--format", fmt,
                              "--withheld", withheld).stdout
                    if a.stdout != plain:
                        fail(where + ": the bundle is not the view "
                             "`supervision` prints")
                text = a.stdout.decode("utf-8", "replace").lower()
                for s in secrets:
                    if s.lower() in text:
                        got["leaks"] += 1
                        fail("%s: canary %s leaked" % (where, s))
                for v in shown:
                    if v not in text:
                        fail("%s: visible marker %s missing" % (where, v))
    return got


def main():
    binary, localedir = sys.argv[1:3]
    journals = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261128
    if not shutil.which("age") or not shutil.which("age-keygen"):
        print("bundle_leak: age is missing (.ci/deps installs it)")
        return 1
    words = Words()
    total = {"bundles": 0, "opened": 0, "canaries": 0, "visible": 0,
             "leaks": 0}
    failures = []
    tmp = tempfile.mkdtemp(prefix="bron-bundle-leak-")
    try:
        key = os.path.join(tmp, "sup.key")
        subprocess.run(["age-keygen", "-o", key], check=True,
                       capture_output=True)
        pub = subprocess.run(["age-keygen", "-y", key], check=True,
                             capture_output=True).stdout.decode().strip()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            jobs = [pool.submit(journal, binary, localedir, tmp, j, seed,
                                words, key, pub) for j in range(journals)]
            for j, job in enumerate(jobs):
                try:
                    got = job.result()
                except (OSError, ValueError, RuntimeError,
                        subprocess.SubprocessError) as e:
                    failures.append("journal %d: error: %s" % (j, e))
                    continue
                for k in total:
                    total[k] += got[k]
                failures += got["failures"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures[:40]:
        print("FAIL", f)
    if len(failures) > 40:
        print("... and %d more" % (len(failures) - 40))
    print("bundles: %d journals, %d bundles, %d decryptions, %d canaries, "
          "%d visible markers, %d leaks, %d failures" % (
              journals, total["bundles"], total["opened"], total["canaries"],
              total["visible"], total["leaks"], len(failures)))
    ok = not failures and total["bundles"] == journals * 24 and \
        total["canaries"] > 0 and total["visible"] > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
