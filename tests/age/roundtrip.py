#!/usr/bin/env python3
"""Bundles between bron and Debian's age, both ways, and broken bundles.

usage: roundtrip.py BRON LOCALEDIR

1. bron writes, age reads: `supervision --to` for one age key (every
   format) and for three (a contact, two age1 keys, one repeated), binary
   and armored, to a file and armored to standard output; each key opens
   it with `age -d -i`, and so do `bron open` and the author's exported
   identity.  The text is exactly the view `supervision --yes` prints with
   the same selection and format; it holds the shareable entries' titles
   and none of the private canaries.  The header names exactly the
   recipients (the author unless --not-me, each key once).
2. age writes, bron reads: `age -r` to bron's key alone and with two other
   keys, binary and armored, payloads empty, small, binary (every byte
   value), of exactly one chunk, one chunk and a byte, and over 200 KB
   (several chunks), from a file, from standard input and to --out.  A
   passphrase-only age file is "not for you".
3. Broken bundles: every byte of three small bundles changed in turn (two
   bit flips each), every cut of a small bundle, cuts at and around the
   chunk boundaries of a large one, chunks swapped, dropped or followed by
   more data, damaged and cut armor, a bundle for someone else, files that
   are no age file.  bron never exits 0, never prints anything on standard
   output, and gives the exit status and the sentence the damage calls
   for: 2 not an age file, 4 cut short, 4 changed (header or contents,
   each its own sentence), 10 not for you.
Runs in the C locale (English messages).  Exit 0 when all holds.
"""
import base64
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

PASS = "zeven bomen langs de oude vaart"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]

# The journal: two shareable entries (one tagged "team"), one private and
# one not yet shareable; every word that may not leave the vault is a canary.
TITLE_TEAM = "Teamoverleg over de casus"
TITLE_HOME = "Huisbezoek in de middag"
SHARED_TEAM = "Zichtbare zin over de supervisie met Jan de Vries uit Utrecht."
SHARED_HOME = "Een tweede zichtbare zin, zonder namen."
SPAN = "KANARIEpassage4410"
PRIVATE_TITLE = "KANARIEtitel1203"
PRIVATE = "KANARIEgeheim7731"
NOT_YET_TITLE = "KANARIEnogniet5512"
NOT_YET = "KANARIEnognietTekst8821"
CANARIES = [SPAN, PRIVATE_TITLE, PRIVATE, NOT_YET_TITLE, NOT_YET,
            "Jan de Vries", "Utrecht"]

# What bron says (msgids: the test runs in the C locale).
NOT_AGE = "not an age file, or its header is damaged"
ARMOR = "the file's armor (the BEGIN AGE ENCRYPTED FILE text) is damaged"
CUT = "the file is cut short: it ends before the encrypted data is complete"
HEADER_CHANGED = ("the file was changed after it was made (its header does "
                  "not verify)")
CONTENTS_CHANGED = ("the file was changed after it was made (its contents do "
                    "not verify)")
NOT_FOR_YOU = "the file is not for you: it was not encrypted to your identity"
SENTENCES = {2: (NOT_AGE, ARMOR), 4: (CUT, HEADER_CHANGED, CONTENTS_CHANGED),
             10: (NOT_FOR_YOU,)}

B64 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
CHUNK = 65536 + 16
BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----\n"
END = b"-----END AGE ENCRYPTED FILE-----\n"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what, flush=True)
    return cond


def short(b, n=160):
    s = b.decode("utf-8", "replace") if isinstance(b, bytes) else b
    return repr(s if len(s) <= n else s[:n] + "...")


class Bron:
    def __init__(self, binary, env):
        self.binary, self.env = binary, env

    def run(self, *args, stdin=b"", ok=True):
        r, w = os.pipe()
        os.write(w, (PASS + "\n").encode())
        os.close(w)
        try:
            res = subprocess.run([self.binary, "--passphrase-fd", str(r)] +
                                 list(args), input=stdin, env=self.env,
                                 pass_fds=(r,), capture_output=True,
                                 timeout=120)
        finally:
            os.close(r)
        if ok and res.returncode != 0:
            raise RuntimeError("bron %s: exit %d: %s" % (
                " ".join(args), res.returncode, res.stderr.decode()))
        return res


def age_keygen(path):
    subprocess.run(["age-keygen", "-o", path], check=True,
                   capture_output=True)
    return subprocess.run(["age-keygen", "-y", path], check=True,
                          capture_output=True).stdout.decode().strip()


def age_decrypt(key, path):
    return subprocess.run(["age", "-d", "-i", key, path], capture_output=True,
                          timeout=60)


def age_encrypt(data, recipients, armor, out):
    cmd = ["age"] + (["-a"] if armor else [])
    for r in recipients:
        cmd += ["-r", r]
    subprocess.run(cmd + ["-o", out], input=data, check=True, timeout=60)
    with open(out, "rb") as f:
        return f.read()


def binary_form(data):
    """The binary age file inside an armored one (or the file itself)."""
    if not data.startswith(BEGIN):
        return data
    body = data[len(BEGIN):data.rindex(END)]
    return base64.b64decode(b"".join(body.split(b"\n")), validate=True)


def header_end(data):
    """The offset just past the header's MAC line."""
    i = data.index(b"\n--- ") + 1
    return data.index(b"\n", i) + 1


def stanzas(data):
    """The argument lines of the header's stanzas."""
    head = data[:header_end(data)].decode("ascii")
    return [l for l in head.split("\n") if l.startswith("-> ")]


def expect_refused(res, code, sentence, what, path="-"):
    """bron open refused a broken file with exactly this status and
    sentence, and printed nothing on standard output."""
    want = "bron: %s: %s\n" % (path, sentence)
    got = res.stderr.decode("utf-8", "replace")
    return check(res.returncode == code and res.stdout == b"" and got == want,
                 "%s: expected exit %d and %r, got exit %d, stderr %s, "
                 "%d bytes on stdout" % (what, code, want, res.returncode,
                                         short(got), len(res.stdout)))


def flip_expectations(data, ours):
    """(offset, bit, exit, sentence) for every single-bit change we make to
    a binary age file whose stanzas are all X25519 with one argument and a
    43-character body; ours[i] tells whether stanza i is for bron's
    identity.  The age format alone decides:
      - the version line, "-> ", line ends, "--- ": malformed (2);
      - 0x80 anywhere in the header: not ASCII, malformed (2);
      - the stanza type or the blank after it (still printable): an
        unknown stanza, ignored; then our stanza gone is "not for you"
        (10), another's gone is a header that no longer verifies (4);
      - a base64 character (share, body, MAC) that stays canonical base64:
        our stanza no longer unwraps (10), another's or the MAC no longer
        verifies (4); one that does not: malformed (2);
      - nonce and payload: the contents do not verify (4)."""
    end = header_end(data)
    region = [None] * end  # per header byte: ("fixed",) or kinds below
    pos = data.index(b"\n") + 1
    for i in range(pos):
        region[i] = ("fixed",)
    k = 0
    while data.startswith(b"-> ", pos):
        line_end = data.index(b"\n", pos)
        body_end = data.index(b"\n", line_end + 1)
        typ = pos + 3
        sp = data.index(b" ", typ)
        for i in range(pos, typ):
            region[i] = ("fixed",)
        for i in range(typ, sp + 1):
            region[i] = ("type", k)
        for i in range(sp + 1, line_end):
            region[i] = ("b64", k, line_end - (sp + 1), i - (sp + 1))
        region[line_end] = ("fixed",)
        for i in range(line_end + 1, body_end):
            region[i] = ("b64", k, body_end - (line_end + 1),
                         i - (line_end + 1))
        region[body_end] = ("fixed",)
        pos = body_end + 1
        k += 1
    assert k == len(ours), (k, ours)
    for i in range(pos, pos + 4):
        region[i] = ("fixed",)  # "--- "
    for i in range(pos + 4, end - 1):
        region[i] = ("b64", None, end - 1 - (pos + 4), i - (pos + 4))
    region[end - 1] = ("fixed",)

    def b64_ok(c, n, j):
        if c not in B64:
            return False
        # 32 bytes in 43 characters: the last one carries 4 bits and 2 zeros
        if n == 43 and j == 42:
            v = (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                 b"0123456789+/").index(c)
            return v & 3 == 0
        return True

    out = []
    for off in range(len(data)):
        for bit in (0x01, 0x80):
            new = data[off] ^ bit
            if off >= end:
                out.append((off, bit, 4, CONTENTS_CHANGED))
                continue
            r = region[off]
            if bit == 0x80 or r[0] == "fixed":
                out.append((off, bit, 2, NOT_AGE))
            elif r[0] == "type":
                out.append((off, bit) + ((10, NOT_FOR_YOU) if ours[r[1]]
                                         else (4, HEADER_CHANGED)))
            elif not b64_ok(new, r[2], r[3]):
                out.append((off, bit, 2, NOT_AGE))
            elif r[1] is None:
                out.append((off, bit, 4, HEADER_CHANGED))
            else:
                out.append((off, bit) + ((10, NOT_FOR_YOU) if ours[r[1]]
                                         else (4, HEADER_CHANGED)))
    return out


def sweep(b, name, data, ours, secret):
    """Every byte of data changed in turn (every byte of the first 400,
    then every 7th), each refused exactly as flip_expectations says."""
    todo = [e for e in flip_expectations(data, ours)
            if e[0] < 400 or e[0] % 7 == 0]

    def one(e):
        off, bit, code, sentence = e
        bad = bytearray(data)
        bad[off] ^= bit
        return e, b.run("open", "-", stdin=bytes(bad), ok=False)

    bad_ones = 0
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for (off, bit, code, sentence), res in pool.map(one, todo):
            if secret.encode() in res.stdout + res.stderr:
                bad_ones += 1
                check(False, "%s, byte %d ^%#x: the text was shown" %
                      (name, off, bit))
            if not expect_refused(res, code, sentence, "%s, byte %d of %d "
                                  "^%#x (%r)" % (name, off, len(data), bit,
                                                 chr(data[off]))):
                bad_ones += 1
    print("%s: %d changed copies refused as the format says, %d not" %
          (name, len(todo) - bad_ones, bad_ones), flush=True)


def main():
    binary, localedir = sys.argv[1:3]
    if not shutil.which("age") or not shutil.which("age-keygen"):
        print("roundtrip: age is missing (.ci/deps installs it)")
        return 1
    tmp = tempfile.mkdtemp(prefix="bron-age-")
    try:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "",
               "TZ": "UTC", "BRON_LOCALEDIR": localedir,
               "BRON_VAULT": os.path.join(tmp, "v.bron")}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]
        b = Bron(binary, env)

        def p(name):
            return os.path.join(tmp, name)

        b.run("init", *KDF, "--force")
        b.run("add", "--title", TITLE_TEAM, "--level", "shareable",
              "--tag", "team",
              stdin=(SHARED_TEAM + " [[" + SPAN + "]] Einde.\n").encode())
        b.run("add", "--title", TITLE_HOME, "--level", "shareable",
              stdin=(SHARED_HOME + "\n").encode())
        b.run("add", "--title", PRIVATE_TITLE, "--tag", "team",
              stdin=(PRIVATE + "\n").encode())
        b.run("add", "--title", NOT_YET_TITLE, "--level",
              "not-yet-shareable", "--tag", "team",
              stdin=(NOT_YET + "\n").encode())
        res = b.run("identity", "new")
        me = res.stdout.decode().strip()
        check(len(me) == 62 and me.startswith("age1") and
              res.stdout.decode() == me + "\n",
              "identity new prints one age1 key: %s" % short(res.stdout))
        res = b.run("identity", "show")
        check(res.stdout.decode() == me + "\n",
              "identity show prints the key identity new printed: %s" %
              short(res.stdout))
        keys = [p("k%d.txt" % i) for i in range(3)]
        pubs = [age_keygen(k) for k in keys]
        b.run("contacts", "add", "Supervisor", pubs[0])

        def view(fmt, sel):
            return b.run("supervision", "--yes", "--format", fmt,
                         *sel).stdout

        # the reference views hold what they should (else the comparisons
        # below prove nothing)
        for fmt in ("md", "txt", "html", "json"):
            for sel in ([], ["--tag", "team"]):
                v = view(fmt, sel).decode()
                check(TITLE_TEAM in v and "[Person 1]" in v and
                      (TITLE_HOME in v) == (not sel) and
                      not any(c in v for c in CANARIES),
                      "the plain %s view %s holds the shareable entries and "
                      "no canary: %s" % (fmt, sel, short(v, 600)))

        def same_view(got, fmt, sel, before, what):
            """got is the view as bron prints it (made again when the day
            changed in between)."""
            if got != before:
                before = view(fmt, sel)
            check(got == before, "%s: the text is not the view `supervision "
                  "--yes --format %s %s` prints: %s" %
                  (what, fmt, " ".join(sel), short(got, 400)))
            text = got.decode("utf-8", "replace")
            check(not any(c in text for c in CANARIES),
                  "%s: a canary is in the text" % what)

        def sealed(args, out, n, what, armor):
            """Runs supervision with args; checks its output, the file's
            form and mode, and that its header names n recipients."""
            res = b.run("supervision", "--yes", *args, ok=False)
            check(res.returncode == 0 and res.stdout == b"" and
                  res.stderr.decode() == "bundle encrypted for %d "
                  "recipient%s\n" % (n, "" if n == 1 else "s"),
                  "%s: exit %d, stdout %s, stderr %s" % (
                      what, res.returncode, short(res.stdout),
                      short(res.stderr)))
            with open(out, "rb") as f:
                data = f.read()
            check(os.stat(out).st_mode & 0o777 == 0o600,
                  "%s: the bundle is not 0600" % what)
            if armor:
                check(data.startswith(BEGIN) and data.endswith(END) and
                      all(len(l) <= 64 for l in data.split(b"\n")),
                      "%s: not an armored age file: %s" % (what,
                                                          short(data)))
            else:
                check(data.startswith(b"age-encryption.org/v1\n"),
                      "%s: not a binary age file: %s" % (what, short(data)))
            raw = binary_form(data)
            st = stanzas(raw)
            check(len(st) == n and all(s.startswith("-> X25519 ")
                                       for s in st),
                  "%s: %d recipient stanzas, expected %d: %s" %
                  (what, len(st), n, st))
            return data

        # 1. bron writes, age reads
        for fmt in ("md", "txt", "html", "json"):
            for sel in ([], ["--tag", "team"]):
                what = "one recipient, %s %s" % (fmt, " ".join(sel))
                f = p("one.age")
                if os.path.exists(f):
                    os.unlink(f)
                before = view(fmt, sel)
                sealed(["--format", fmt, *sel, "--to", "Supervisor",
                        "--out", f], f, 2, what, False)
                res = age_decrypt(keys[0], f)
                check(res.returncode == 0, "%s: age -d: %s" %
                      (what, short(res.stderr)))
                same_view(res.stdout, fmt, sel, before, what + ", age -d")
                res = b.run("open", f, ok=False)
                check(res.returncode == 0 and res.stderr == b"",
                      "%s: bron open: exit %d %s" % (what, res.returncode,
                                                     short(res.stderr)))
                same_view(res.stdout, fmt, sel, before, what + ", bron open")
                for k in keys[1:]:
                    res = age_decrypt(k, f)
                    check(res.returncode != 0 and res.stdout == b"",
                          "%s: another age key opened it" % what)
        for armor in (False, True):
            tag = "armored" if armor else "binary"
            extra = ["--armor"] if armor else []
            three = p("three-%s.age" % tag)
            before = view("md", [])
            # the contact, two keys, and the contact's key again: 3 + author
            sealed(["--to", "Supervisor", "--to", pubs[1], "--to",
                    pubs[2].upper(), "--to", pubs[0], "--out", three,
                    *extra], three, 4, "three recipients, " + tag, armor)
            for i, k in enumerate(keys):
                res = age_decrypt(k, three)
                check(res.returncode == 0, "three recipients, %s: age key "
                      "%d: %s" % (tag, i, short(res.stderr)))
                same_view(res.stdout, "md", [], before,
                          "three recipients, %s, age key %d" % (tag, i))
            res = b.run("open", three, ok=False)
            check(res.returncode == 0, "three recipients, %s: bron open: %s"
                  % (tag, short(res.stderr)))
            same_view(res.stdout, "md", [], before,
                      "three recipients, %s, bron open" % tag)
            # --not-me: the author is left out, and so cannot open it
            mine = p("notme-%s.age" % tag)
            sealed(["--to", pubs[1], "--not-me", "--out", mine, *extra],
                   mine, 1, "--not-me, " + tag, armor)
            res = age_decrypt(keys[1], mine)
            check(res.returncode == 0 and b"# Supervision view" in res.stdout,
                  "--not-me, %s: age key 1 opens it" % tag)
            expect_refused(b.run("open", mine, ok=False), 10, NOT_FOR_YOU,
                           "--not-me, %s: bron open" % tag, mine)
            # the author's own key as --to: one recipient, not two
            own = p("own-%s.age" % tag)
            sealed(["--to", me, "--out", own, *extra], own, 1,
                   "--to her own key, " + tag, armor)
        # armored on standard output
        before = view("md", [])
        res = b.run("supervision", "--yes", "--to", pubs[2], "--armor",
                    ok=False)
        check(res.returncode == 0 and res.stdout.startswith(BEGIN) and
              res.stdout.endswith(END) and
              res.stderr == b"bundle encrypted for 2 recipients\n",
              "--armor without --out: exit %d, stdout %s, stderr %s" %
              (res.returncode, short(res.stdout), short(res.stderr)))
        with open(p("stdout.asc"), "wb") as f:
            f.write(res.stdout)
        res = age_decrypt(keys[2], p("stdout.asc"))
        same_view(res.stdout, "md", [], before,
                  "an armored bundle on standard output, age -d")
        res = b.run("open", "-", stdin=open(p("stdout.asc"), "rb").read())
        same_view(res.stdout, "md", [], before,
                  "an armored bundle on standard output, bron open -")
        # the exported identity: age's identity file, and it opens bundles
        res = b.run("identity", "export", "--out", p("me.key"), ok=False)
        check(res.returncode == 0 and res.stdout == b"" and
              res.stderr.decode() == "bron: warning: %s holds your secret "
              "key without protection; whoever has it can open every bundle "
              "sent to you\n" % p("me.key"),
              "identity export: exit %d, %s" % (res.returncode,
                                                short(res.stderr)))
        check(os.stat(p("me.key")).st_mode & 0o777 == 0o600,
              "the exported identity is not 0600")
        lines = open(p("me.key")).read().split("\n")
        check(len(lines) == 4 and lines[0].startswith("# created: 20") and
              lines[0].endswith("Z") and lines[1] == "# public key: " + me
              and lines[2].startswith("AGE-SECRET-KEY-1") and
              len(lines[2]) == 74 and lines[3] == "",
              "the exported identity is not age's identity file: %r" %
              [l[:30] for l in lines])
        res = subprocess.run(["age-keygen", "-y", p("me.key")],
                             capture_output=True)
        check(res.stdout.decode().strip() == me,
              "age-keygen -y of the exported identity is not bron's key")
        for f in (p("one.age"), p("three-armored.age"), p("own-binary.age")):
            res = age_decrypt(p("me.key"), f)
            check(res.returncode == 0 and TITLE_TEAM.encode() in res.stdout
                  and res.stdout == b.run("open", f).stdout,
                  "the exported identity opens %s with age, to what bron "
                  "open shows: exit %d %s" % (os.path.basename(f),
                                              res.returncode,
                                              short(res.stderr)))

        # 2. age writes, bron reads
        line = b"Regel %06d van een lange tekst, meer dan een blok lang.\n"
        big = b"".join(line % i for i in range(3700))
        check(len(big) > 200000 and len(big) > 3 * 65536,
              "the large text spans several chunks")
        payloads = (("small", b"Hallo van de supervisor."),
                    ("empty", b""),
                    ("bytes", bytes(range(256)) * 3),
                    ("one chunk", b"x" * 65536),
                    ("one chunk and a byte", b"y" * 65537),
                    ("large", big))
        for name, data in payloads:
            for armor in (False, True):
                for recips in ([me], [pubs[0], me, pubs[1]]):
                    what = "age's %s bundle (%s, %d recipients)" % (
                        name, "armored" if armor else "binary", len(recips))
                    f = p("from-age.age")
                    enc = age_encrypt(data, recips, armor, f)
                    res = b.run("open", f, ok=False)
                    check(res.returncode == 0 and res.stdout == data and
                          res.stderr == b"",
                          "%s: bron open: exit %d, %d bytes of %d, %s" % (
                              what, res.returncode, len(res.stdout),
                              len(data), short(res.stderr)))
                    res = b.run("open", "-", stdin=enc, ok=False)
                    check(res.returncode == 0 and res.stdout == data,
                          "%s: bron open -: exit %d, %d bytes of %d, %s" % (
                              what, res.returncode, len(res.stdout),
                              len(data), short(res.stderr)))
        opened = p("opened.txt")
        enc = age_encrypt(big, [me], False, p("big.age"))
        res = b.run("open", p("big.age"), "--out", opened, ok=False)
        check(res.returncode == 0 and res.stdout == b"" and
              res.stderr.decode() == "bron: warning: %s is not encrypted; "
              "keep it safe and delete it when you no longer need it\n" %
              opened, "open --out: exit %d, %s" % (res.returncode,
                                                   short(res.stderr)))
        check(open(opened, "rb").read() == big and
              os.stat(opened).st_mode & 0o777 == 0o600,
              "open --out wrote the text, 0600")
        res = b.run("open", p("big.age"), "--out", opened, ok=False)
        check(res.returncode == 2 and res.stdout == b"" and
              res.stderr.decode() == "bron: %s exists; add --force to "
              "replace it\n" % opened,
              "open --out onto a file: exit %d, %s" % (res.returncode,
                                                       short(res.stderr)))
        res = b.run("open", p("from-age.age"), "--out", opened, "--force",
                    ok=False)
        check(res.returncode == 0 and open(opened, "rb").read() == big,
              "open --out --force replaces the file: %s" % short(res.stderr))
        try:
            import pexpect
        except ImportError:
            pexpect = None
            print("roundtrip: no pexpect, the passphrase file is skipped")
        if pexpect:
            pw = p("passphrase.age")
            child = pexpect.spawn("age", ["-p", "-o", pw, p("me.key")],
                                  timeout=30)
            for _ in range(2):
                child.expect("passphrase")
                child.sendline("een lange wachtzin voor age alleen")
            child.expect(pexpect.EOF)
            child.close()
            check(child.exitstatus == 0 and os.path.exists(pw),
                  "age -p wrote a passphrase file")
            expect_refused(b.run("open", pw, ok=False), 10, NOT_FOR_YOU,
                           "a passphrase (scrypt) file", pw)

        # 3. broken bundles
        secret = "Geheime tekst VERBORGEN."
        small = age_encrypt(secret.encode(), [me], False, p("small.age"))
        check(len(stanzas(small)) == 1, "age's small bundle has one stanza")
        other = age_keygen(p("other.txt"))
        two = age_encrypt(secret.encode(), [other, me], False, p("two.age"))
        check(len(stanzas(two)) == 2, "age's two-recipient bundle has two "
              "stanzas")
        # bron's own: --to her own key is one stanza, hers
        mine = p("mine.age")
        b.run("supervision", "--yes", "--tag", "team", "--to", me, "--out",
              mine)
        mine_data = open(mine, "rb").read()
        check(len(stanzas(mine_data)) == 1, "bron's bundle to herself has one "
              "stanza")
        for res in (b.run("open", p("small.age")), b.run("open", p("two.age"))):
            check(res.stdout == secret.encode(), "the intact bundles open")
        sweep(b, "age's bundle for bron", small, [True], "VERBORGEN")
        # age writes the stanzas in the order of its -r options
        sweep(b, "age's bundle for another and bron", two, [False, True],
              "VERBORGEN")
        sweep(b, "bron's bundle", mine_data, [True], TITLE_TEAM)

        # every cut of the small bundle: before the payload's first tag is
        # complete the file is cut short; after it, a cut inside the last
        # chunk cannot be told from a change
        end = header_end(small)
        cuts = 0
        for cut in range(len(small)):
            res = b.run("open", "-", stdin=small[:cut], ok=False)
            if cut == 0:
                want = (2, NOT_AGE)
            elif cut < end + 16 + 16:
                want = (4, CUT)
            else:
                want = (4, CONTENTS_CHANGED)
            if expect_refused(res, want[0], want[1], "the small bundle cut "
                              "at %d of %d (header ends at %d)" %
                              (cut, len(small), end)):
                cuts += 1
        print("cuts of the small bundle refused exactly: %d of %d" %
              (cuts, len(small)), flush=True)
        expect_refused(b.run("open", "-", stdin=small + b"x", ok=False), 4,
                       CONTENTS_CHANGED, "a byte after the last chunk")
        expect_refused(b.run("open", "-", stdin=small + small[end + 16:],
                             ok=False), 4, CONTENTS_CHANGED,
                       "the last chunk twice")

        # the large bundle: cut at and around chunk boundaries, chunks
        # swapped, dropped and repeated
        large = open(p("big.age"), "rb").read()
        end = header_end(large)
        body = large[end + 16:]
        chunks = [body[i:i + CHUNK] for i in range(0, len(body), CHUNK)]
        check(len(chunks) == 4 and all(len(c) == CHUNK for c in chunks[:3]),
              "the large bundle has four chunks")
        for k in (1, 2, 3):
            at = end + 16 + k * CHUNK
            for extra, want in ((0, CUT), (1, CUT), (15, CUT),
                                (16, CONTENTS_CHANGED),
                                (500, CONTENTS_CHANGED)):
                if at + extra >= len(large):
                    continue
                expect_refused(b.run("open", "-", stdin=large[:at + extra],
                                     ok=False), 4, want,
                               "the large bundle cut %d bytes after chunk %d"
                               % (extra, k))
        head = large[:end + 16]
        for what, parts in (
                ("chunks 1 and 2 swapped", [1, 0, 2, 3]),
                ("chunk 2 dropped", [0, 2, 3]),
                ("chunk 1 twice", [0, 0, 1, 2, 3]),
                ("the last chunk dropped", [0, 1, 2]),
                ("the last chunk first", [3, 1, 2, 3])):
            res = b.run("open", "-", stdin=head + b"".join(chunks[i]
                                                          for i in parts),
                        ok=False)
            expect_refused(res, 4, CUT if what == "the last chunk dropped"
                           else CONTENTS_CHANGED, "the large bundle, " + what)
        bad = bytearray(large)
        bad[end + 16 + 2 * CHUNK + 100] ^= 0x04
        expect_refused(b.run("open", "-", stdin=bytes(bad), ok=False), 4,
                       CONTENTS_CHANGED, "a byte changed in chunk 3")

        # armor: cut, damaged, or with the lines in the wrong place
        arm = age_encrypt(b"Gepantserd " + secret.encode(), [me], True,
                          p("armored.age"))
        lines = arm.split(b"\n")
        check(lines[0] + b"\n" == BEGIN and lines[-2] + b"\n" == END and
              lines[-1] == b"", "the armored bundle's shape")
        for what, data, code, sentence in (
                ("the armor without its END line",
                 b"\n".join(lines[:-2]) + b"\n", 4, CUT),
                ("the BEGIN line alone", BEGIN, 4, CUT),
                ("the armor cut inside a line", arm[:len(BEGIN) + 30], 4, CUT),
                ("a character of the armor changed to '!'",
                 arm[:len(BEGIN) + 10] + b"!" + arm[len(BEGIN) + 11:], 2,
                 ARMOR),
                ("the armor's END line misspelt",
                 arm.replace(b"-----END AGE", b"-----END AEG"), 2, ARMOR)):
            expect_refused(b.run("open", "-", stdin=data, ok=False), code,
                           sentence, what)

        # a header line with a byte no header holds: malformed (2), whether
        # a newline follows or the file ends first (no age file starts so)
        expect_refused(b.run("open", "-", stdin=small[:30] + b"\x80" +
                             small[31:60] + b"\n", ok=False), 2, NOT_AGE,
                       "a stanza line holding 0x80, then a newline")
        expect_refused(b.run("open", "-", stdin=small[:30] + b"\x80" +
                             small[31:60], ok=False), 2, NOT_AGE,
                       "a stanza line holding 0x80, then the end")

        # for someone else, and not age at all
        f = p("for-other.age")
        age_encrypt(b"x\n", [pubs[0]], False, f)
        expect_refused(b.run("open", f, ok=False), 10, NOT_FOR_YOU,
                       "a bundle for someone else", f)
        f = p("for-others.asc")
        age_encrypt(b"x\n", [pubs[0], pubs[1]], True, f)
        expect_refused(b.run("open", f, ok=False), 10, NOT_FOR_YOU,
                       "an armored bundle for two others", f)
        for name, data in (("plain.txt", b"geen age-bestand\n"),
                           ("empty.age", b""),
                           ("vault.bron", open(p("v.bron"), "rb").read())):
            f = p(name)
            if name != "vault.bron":
                with open(f, "wb") as fh:
                    fh.write(data)
            else:
                f = p("v.bron")
            expect_refused(b.run("open", f, ok=False), 2, NOT_AGE,
                           "not an age file: " + name, f)
    except (OSError, ValueError, RuntimeError, AssertionError,
            subprocess.SubprocessError) as e:
        check(False, "error: %r" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("roundtrip: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
