#!/usr/bin/env python3
"""The no-leak proof for encrypted bundles: decrypt, then look for canaries.

usage: bundle_leak.py BRON LOCALEDIR [JOURNALS [SEED]]

Builds JOURNALS (default 30) random vaults with bron itself.  Each holds
entries at every level with random bodies (nested and unclosed [[, escaped
\\[[, markup that looks like HTML or Markdown, Unicode, long lines); every
private entry, every not-yet-shareable entry and every private passage
carries its own canary word, and every shareable entry a visible marker
outside its passages.  For each vault, in every format (md, txt, html,
json), every --withheld mode and both bundle forms (binary and armored), it
writes `bron supervision --yes --to KEY --out FILE`, opens the bundle with
Debian's `age -d` and with `bron open`, and checks that both give the same
text, that no canary appears in it, and that every visible marker does.
Exit 0 when all holds.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

PASS = "een brug over het water bij avond"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]
FORMATS = ["md", "txt", "html", "json"]
WITHHELD = ["omit", "placeholder", "count"]
LEVELS = ["shareable", "not-yet-shareable", "private"]
FILLER = ["de dag begon rustig", "ik dacht aan vroeger", "**vet** _schuin_",
          "<b>kop</b> &amp; <script>x</script>", "# geen kop", "> citaat",
          "herstel in fase 2", "één café, naïef, Ærø", "\\[[ geen passage",
          "regel met | streep", "`code`", "[link](http://example.org)"]


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


def body(rng, canary, visible, counter):
    """Random text; private passages hold canaries, visible markers not."""
    parts, secrets = [], []
    for _ in range(rng.randint(1, 6)):
        k = rng.random()
        if k < 0.3:
            c = "KANARIE%05dSPAN" % next(counter)
            secrets.append(c)
            # nested passages and an escaped "\]]" do not end it early
            inner = rng.choice(["", "[[genest]] ", "a \\]] b? "])
            parts.append("[[" + inner + c + "]]")
        else:
            parts.append(rng.choice(FILLER))
    if visible:
        parts.insert(rng.randint(0, len(parts)), visible)
    if canary:
        parts.insert(rng.randint(0, len(parts)), canary)
    if rng.random() < 0.15:
        c = "KANARIE%05dOPEN" % next(counter)
        secrets.append(c)
        parts.append("[[ nooit gesloten " + c)
    if rng.random() < 0.1:
        parts.append("lang " * 3000)
    return " ".join(parts) + "\n", secrets


def main():
    binary, localedir = sys.argv[1:3]
    journals = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261128
    rng = random.Random(seed)
    counter = iter(range(1, 10 ** 6))
    failures, bundles, canaries, visibles, opened = [], 0, 0, 0, 0
    tmp = tempfile.mkdtemp(prefix="bron-bundle-leak-")
    try:
        key = os.path.join(tmp, "sup.key")
        subprocess.run(["age-keygen", "-o", key], check=True,
                       capture_output=True)
        pub = subprocess.run(["age-keygen", "-y", key], check=True,
                             capture_output=True).stdout.decode().strip()
        for j in range(journals):
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                   "HOME": tmp, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                   "LANGUAGE": "", "TZ": "UTC", "BRON_LOCALEDIR": localedir,
                   "BRON_VAULT": os.path.join(tmp, "v%d.bron" % j)}
            bron(binary, env, "init", *KDF, "--force")
            bron(binary, env, "identity", "new")
            secrets, shown = [], []
            for _ in range(rng.randint(3, 8)):
                level = rng.choice(LEVELS)
                canary = None if level == "shareable" else \
                    "KANARIE%05dENTRY" % next(counter)
                visible = "ZICHTBAAR%05d" % next(counter) \
                    if level == "shareable" else None
                text, spans = body(rng, canary, visible, counter)
                title = "Titel %d" % next(counter)
                if level == "private":
                    # a private entry's title is as private as its text
                    title = "KANARIE%05dTITLE" % next(counter)
                    secrets.append(title)
                bron(binary, env, "add", "--title", title, "--level", level,
                     stdin=text.encode())
                secrets += spans + ([canary] if canary else [])
                if visible:
                    shown.append(visible)
            canaries += len(secrets)
            visibles += len(shown)
            for fmt in FORMATS:
                for withheld in WITHHELD:
                    for armor in (False, True):
                        out = os.path.join(tmp, "b.age")
                        if os.path.exists(out):
                            os.unlink(out)
                        bron(binary, env, "supervision", "--yes", "--format",
                             fmt, "--withheld", withheld, "--to", pub,
                             "--out", out, *(["--armor"] if armor else []))
                        bundles += 1
                        a = subprocess.run(["age", "-d", "-i", key, out],
                                           capture_output=True, timeout=60)
                        o = bron(binary, env, "open", out, ok=False)
                        opened += 2
                        where = "journal %d, %s, %s, armor %d" % (
                            j, fmt, withheld, armor)
                        if a.returncode != 0 or o.returncode != 0:
                            failures.append("%s: age exit %d, bron exit %d" % (
                                where, a.returncode, o.returncode))
                            continue
                        if a.stdout != o.stdout:
                            failures.append(where + ": age and bron differ")
                        text = a.stdout.decode()
                        for s in secrets:
                            if s in text:
                                failures.append("%s: canary %s leaked" % (
                                    where, s))
                        for v in shown:
                            if v not in text:
                                failures.append("%s: %s missing" % (where, v))
    except (OSError, ValueError, RuntimeError,
            subprocess.SubprocessError) as e:
        failures.append("error: %s" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures[:40]:
        print("FAIL", f)
    print("bundles: %d journals, %d bundles, %d decryptions, %d canaries, "
          "%d visible markers, %d failures" % (journals, bundles, opened,
                                              canaries, visibles,
                                              len(failures)))
    return 1 if failures or bundles == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
