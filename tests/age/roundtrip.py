#!/usr/bin/env python3
"""Bundles between bron and Debian's age, both ways, and broken bundles.

usage: roundtrip.py BRON LOCALEDIR

1. bron writes, age reads: `supervision --to` for one and for three age
   keys, binary and armored; each key opens it with `age -d -i`, and so
   does the author's exported identity; the text is the view bron prints
   with the same selection (without private material).
2. age writes, bron reads: `age -r` to bron's key alone and with two other
   keys, binary and armored, small and large (several chunks), from a file
   and from standard input.
3. Broken bundles: every byte of a small bundle changed in turn, cuts at
   many points, a bundle for someone else, a file that is no age file:
   bron never exits 0, never prints the text, and says which it is.
Exit 0 when all holds.
"""
import os
import shutil
import subprocess
import sys
import tempfile

PASS = "zeven bomen langs de oude vaart"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]
SHARED = "Zichtbare zin over de supervisie."
PRIVATE = "KANARIE-geheim-7731"
SPAN = "KANARIE-passage-4410"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


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
        b = Bron(binary, env)
        p = lambda name: os.path.join(tmp, name)
        b.run("init", *KDF, "--force")
        b.run("add", "--title", "Deelbaar", "--level", "shareable",
              stdin=(SHARED + " [[" + SPAN + "]] Einde.\n").encode())
        b.run("add", "--title", "Geheim", stdin=(PRIVATE + "\n").encode())
        me = b.run("identity", "new").stdout.decode().strip()
        check(me.startswith("age1") and len(me) == 62, "identity new: " + me)
        check(b.run("identity", "show").stdout.decode().strip() == me,
              "identity show gives the same key")
        keys = [p("k%d.txt" % i) for i in range(3)]
        pubs = [age_keygen(k) for k in keys]
        b.run("contacts", "add", "Supervisor", pubs[0])
        plain = b.run("supervision", "--yes", "--format", "md").stdout

        # 1. bron writes, age reads
        for armor in (False, True):
            tag = "armored" if armor else "binary"
            one, three = p("one-%s.age" % tag), p("three-%s.age" % tag)
            extra = ["--armor"] if armor else []
            b.run("supervision", "--yes", "--to", "Supervisor", "--out", one,
                  *extra)
            b.run("supervision", "--yes", "--to", "Supervisor", "--to",
                  pubs[1], "--to", pubs[2], "--out", three, *extra)
            head = open(one, "rb").read(40)
            check(head.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
                  == armor, "%s bundle has the right form" % tag)
            check(oct(os.stat(one).st_mode & 0o777) == "0o600",
                  "%s bundle is 0600" % tag)
            res = age_decrypt(keys[0], one)
            check(res.returncode == 0 and res.stdout == plain,
                  "age opens the %s one-recipient bundle: %s" %
                  (tag, res.stderr.decode()))
            for i, k in enumerate(keys):
                res = age_decrypt(k, three)
                check(res.returncode == 0 and res.stdout == plain,
                      "age key %d opens the %s three-recipient bundle" %
                      (i, tag))
            for f in (one, three):
                out = b.run("open", f).stdout
                check(out == plain, "bron open reads its own %s bundle" % tag)
                check(PRIVATE.encode() not in out and
                      SPAN.encode() not in out and
                      SHARED.encode() in out,
                      "the %s bundle holds the view and nothing private" % tag)
            # only the author: --not-me leaves her out
            mine = p("notme-%s.age" % tag)
            b.run("supervision", "--yes", "--to", pubs[1], "--not-me",
                  "--out", mine, *extra)
            res = b.run("open", mine, ok=False)
            check(res.returncode == 10 and res.stdout == b"",
                  "--not-me: bron open says not for you (exit %d)" %
                  res.returncode)
        b.run("identity", "export", "--out", p("me.key"))
        res = age_decrypt(p("me.key"), p("one-binary.age"))
        check(res.returncode == 0 and res.stdout == plain,
              "the exported identity opens a bundle with age")
        armored_out = b.run("supervision", "--yes", "--to", pubs[2],
                            "--armor", "--not-me").stdout
        open(p("stdout.asc"), "wb").write(armored_out)
        res = age_decrypt(keys[2], p("stdout.asc"))
        check(res.returncode == 0 and res.stdout == plain,
              "an armored bundle on standard output opens with age")

        # 2. age writes, bron reads
        big = ("Regel %d van een lange tekst om meer dan een blok te vullen.\n"
               * 1).encode()
        big = b"".join(big.replace(b"%d", str(i).encode())
                       for i in range(4000))
        check(len(big) > 3 * 65536, "the large text spans several chunks")
        for name, data in (("small", b"Hallo van de supervisor.\n"),
                           ("empty", b""), ("large", big)):
            for armor in (False, True):
                for recips in ([me], [pubs[0], me, pubs[1]]):
                    f = p("from-age-%s-%d-%d.age" % (name, armor, len(recips)))
                    cmd = ["age"] + (["-a"] if armor else [])
                    for r in recips:
                        cmd += ["-r", r]
                    subprocess.run(cmd + ["-o", f], input=data, check=True)
                    res = b.run("open", f, ok=False)
                    check(res.returncode == 0 and res.stdout == data,
                          "bron opens age's %s bundle (armor %d, %d "
                          "recipients): exit %d %s" %
                          (name, armor, len(recips), res.returncode,
                           res.stderr.decode()))
        f = p("from-age-small-0-1.age")
        res = b.run("open", "-", stdin=open(f, "rb").read(), ok=False)
        check(res.returncode == 0 and res.stdout == b"Hallo van de supervisor.\n",
              "bron open - reads standard input")
        b.run("open", f, "--out", p("opened.txt"))
        check(open(p("opened.txt"), "rb").read() ==
              b"Hallo van de supervisor.\n" and
              os.stat(p("opened.txt")).st_mode & 0o777 == 0o600,
              "open --out writes the text, 0600")

        # 3. broken bundles
        small = p("small.age")
        subprocess.run(["age", "-r", me, "-o", small],
                       input=b"Geheime tekst VERBORGEN.\n", check=True)
        data = open(small, "rb").read()
        header_end = data.index(b"\n---") + 1
        header_end = data.index(b"\n", header_end) + 1
        changed = 0
        for i in range(len(data)):
            for bit in (0x01, 0x80):
                bad = bytearray(data)
                bad[i] ^= bit
                res = b.run("open", "-", stdin=bytes(bad), ok=False)
                changed += 1
                if res.returncode == 0 or b"VERBORGEN" in res.stdout:
                    check(False, "a bundle with byte %d changed (^%#x) was "
                          "opened" % (i, bit))
                elif res.returncode not in (2, 4, 10):
                    check(False, "byte %d changed: exit %d" %
                          (i, res.returncode))
        print("changed bundles refused: %d of %d" % (changed, changed))
        res = b.run("open", "-", stdin=data + b"x", ok=False)
        check(res.returncode == 4, "data after the bundle: exit 4")
        for cut in sorted(set([1, 10, 30, header_end - 20, header_end - 1,
                               header_end + 5, header_end + 16,
                               header_end + 20, len(data) - 1])):
            res = b.run("open", "-", stdin=data[:cut], ok=False)
            check(res.returncode == 4 and b"VERBORGEN" not in res.stdout,
                  "cut at %d of %d: exit %d" % (cut, len(data),
                                                res.returncode))
            if cut < header_end + 16:
                check(b"cut short" in res.stderr,
                      "cut at %d (header or nonce) says cut short: %s" %
                      (cut, res.stderr.decode().strip()))
        # past its tag, a cut inside the last chunk cannot be told from a
        # change: the chunk fails to verify
        res = b.run("open", "-", stdin=data[:header_end + 16 + 30], ok=False)
        check(res.returncode == 4 and b"changed" in res.stderr,
              "a cut inside the last chunk says changed: " +
              res.stderr.decode().strip())
        other = p("other.age")
        subprocess.run(["age", "-r", pubs[0], "-o", other], input=b"x\n",
                       check=True)
        res = b.run("open", other, ok=False)
        check(res.returncode == 10 and b"not for you" in res.stderr,
              "a bundle for someone else: exit 10, 'not for you'")
        open(p("plain.txt"), "w").write("geen age-bestand\n")
        res = b.run("open", p("plain.txt"), ok=False)
        check(res.returncode == 2 and b"not an age file" in res.stderr,
              "a text file: exit 2, 'not an age file'")
    except (OSError, ValueError, RuntimeError,
            subprocess.SubprocessError) as e:
        check(False, "error: %s" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("roundtrip: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
