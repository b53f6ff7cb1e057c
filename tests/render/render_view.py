#!/usr/bin/env python3
"""The HTML supervision view with its picture, rendered by Chromium.

usage: render_view.py BRON LOCALEDIR OUTDIR

A vault with an experience the author decided to use (a phase path that
falls back, and a note) and one she did not: the HTML supervision view
becomes OUTDIR/view.png.  The inline picture must be drawn (the red of its
fall back), and the experience that is not to be used, with its note, must
be absent from the file.  The PNG stays in OUTDIR for a person to look at.
Exit 0 when all holds.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

PASS = "lindeboom aan de gracht in de winter"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]
RED = (0xc0, 0x39, 0x2b)


def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unexpected PNG kind")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def near(px, colour, tol=40):
    return all(abs(p - c) <= tol for p, c in zip(px, colour))


def ink(rows, x0, y0, x1, y1):
    """Pixels clearly darker than white in the box."""
    return sum(1 for y in range(y0, min(y1, len(rows)))
               for px in rows[y][x0:x1] if sum(px) < 600)


def count(rows, colour):
    return sum(1 for r in rows for px in r if near(px, colour))


def screenshot(chromium, url, png, w, h):
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--screenshot=" + png,
                    "--window-size=%d,%d" % (w, h), url],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=120, check=True)


def bron(binary, env, *args, stdin=""):
    r, w = os.pipe()
    os.write(w, (PASS + "\n").encode())
    os.close(w)
    try:
        res = subprocess.run([binary, "--passphrase-fd", str(r)] + list(args),
                             input=stdin, env=env, pass_fds=(r,),
                             capture_output=True, encoding="utf-8",
                             timeout=120)
    finally:
        os.close(r)
    if res.returncode != 0:
        raise RuntimeError("bron %s: %s" % (" ".join(args), res.stderr))
    return res.stdout.strip()


def main():
    binary, localedir, outdir = sys.argv[1:4]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("render: chromium is missing (.ci/deps installs it)")
        return 1
    os.makedirs(outdir, exist_ok=True)
    failures = []
    tmp = tempfile.mkdtemp(prefix="bron-render-")
    try:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
               "LANG": "C.UTF-8", "TZ": "UTC", "BRON_LOCALEDIR": localedir,
               "BRON_VAULT": os.path.join(tmp, "v.bron")}
        bron(binary, env, "init", *KDF, "--force")
        used = bron(binary, env, "experience", "add", "Zichtbaar appelhof",
                    "--kind", "debt", "--phase", "1", "--decision", "use")
        bron(binary, env, "experience", "edit", used, "--phase", "3")
        hidden = bron(binary, env, "experience", "add", "Verborgen kanarie",
                      "--phase", "2", "--decision", "not-yet")
        bron(binary, env, "add", "--title", "Een notitie", "--level",
             "shareable", "--experience", used, "--phase", "2",
             stdin="Gewone tekst over de dag.\n")
        bron(binary, env, "disclosed", used, "--role", "client", "--context",
             "Een gesprek over brieven", "--outcome", "goed",
             "--differently", "-")
        bron(binary, env, "disclosed", hidden, "--role", "colleague",
             "--context", "Verborgen kanarie", "--outcome", "x",
             "--differently", "y")
        view = os.path.join(tmp, "view.html")
        bron(binary, env, "supervision", "--format", "html", "--out", view,
             "--yes")
        html = open(view, encoding="utf-8").read()
        if "kanarie" in html:
            failures.append("view.html holds text of an experience that is "
                            "not to be used")
        if "Zichtbaar appelhof" not in html or "<svg" not in html:
            failures.append("view.html lacks the experience or its picture")
        png = os.path.join(outdir, "view.png")
        screenshot(chromium, "file://" + view, png, 900, 1200)
        w, h, rows = read_png(png)
        if ink(rows, 0, 0, w, h) < 3000:
            failures.append("view.png is (nearly) blank")
        if count(rows, RED) < 10:
            failures.append("view.png: the picture's fall back (3 to 2) is "
                            "not drawn")
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError,
            AttributeError) as e:
        failures.append("could not render: %s" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("render: " + f)
    if not failures:
        print("render: view.png rendered as expected (%s)" % outdir)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
