#!/usr/bin/env python3
"""The picture of recovery in a real browser.

usage: render_svg.py CHART_DEMO OUT.png

Runs chart_demo to write a demo SVG (Dutch labels, three groups of bars,
five paths, one falling back and one of a single point), checks that it is
self-contained, has headless Chromium take a screenshot of it, decodes the
PNG with zlib (no imaging library) and checks that it rendered: not blank,
and dark pixels where the SVG puts its heading, its bars and its paths, and
the accent colour of the fall back.  The PNG stays at OUT.png for a person
to look at.  Prints one line; exits 0 when all holds, 1 otherwise.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ACCENT = (0xc0, 0x39, 0x2b)


def read_png(path):
    """(width, height, rows): rows of bytes, 3 or 4 bytes a pixel."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w, h, bpp = 8, bytearray(), 0, 0, 0
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB",
                                                                body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unexpected PNG kind (depth %d, colour "
                                 "type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    raw = zlib.decompress(bytes(idat))
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + (a + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        elif f != 0:
            raise ValueError("bad PNG filter %d" % f)
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def dark(rows, bpp, box):
    """Pixels in box (x0, y0, x1, y1) clearly darker than the paper."""
    x0, y0, x1, y1 = box
    n = 0
    for y in range(max(y0, 0), min(y1, len(rows))):
        r = rows[y]
        for x in range(max(x0, 0), min(x1, len(r) // bpp)):
            if r[x * bpp] + r[x * bpp + 1] + r[x * bpp + 2] < 384:
                n += 1
    return n


def accent(rows, bpp):
    n = 0
    for r in rows:
        for x in range(0, len(r), bpp):
            if all(abs(r[x + k] - ACCENT[k]) < 48 for k in range(3)):
                n += 1
    return n


def areas(svg):
    """Boxes of the heading, the bars and the paths, from the SVG itself."""
    texts = [(int(x), int(y), int(s)) for x, y, s in re.findall(
        r'<text x="(\d+)" y="(\d+)" font-size="(\d+)"', svg)]
    hx, hy, hs = texts[0]
    heading = (hx, hy - hs, hx + 200, hy + 4)
    bars = [(int(x), int(y), int(w), int(h)) for x, y, w, h in re.findall(
        r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" '
        r'fill="#666"', svg)]
    bx0 = min(b[0] for b in bars)
    by0 = min(b[1] for b in bars)
    by1 = max(b[1] + b[3] for b in bars)
    bx1 = max(b[0] + b[2] for b in bars)
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"',
                                       svg)]
    ys += [float(y) for y in re.findall(r'[\d.]+,([\d.]+)', " ".join(
        re.findall(r'<polyline[^>]* points="([^"]*)"', svg)))]
    paths = (190, int(min(ys)) - 6, 740, int(max(ys)) + 6)
    return heading, (bx0, by0, bx1, by1), paths


def main():
    if len(sys.argv) != 3:
        print("usage: render_svg.py CHART_DEMO OUT.png")
        return 1
    demo, png = sys.argv[1], os.path.abspath(sys.argv[2])
    chromium = (shutil.which("chromium") or shutil.which("chromium-browser")
                or shutil.which("google-chrome"))
    if not chromium:
        print("render: FAIL: chromium is missing (.ci/deps installs it)")
        return 1
    tmp = tempfile.mkdtemp(prefix="bron-render-")
    try:
        return run(demo, png, chromium, tmp)
    except (OSError, ValueError, IndexError, subprocess.SubprocessError) as e:
        print("render: FAIL: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(demo, png, chromium, tmp):
    svgpath = os.path.join(tmp, "chart.svg")
    subprocess.run([demo, svgpath], check=True, timeout=60)
    svg = open(svgpath, encoding="utf-8").read()
    for bad in (r"<script", r"<style", r"\sstyle=", r"href", r"url\(",
                r"<image", r"<foreignObject", r"@import"):
        if re.search(bad, svg, re.I):
            print("render: FAIL: the SVG holds %s" % bad)
            return 1
    m = re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg)
    if not m:
        print("render: FAIL: the SVG has no width and height")
        return 1
    width, height = int(m.group(1)), int(m.group(2))
    if os.path.exists(png):
        os.unlink(png)
    os.makedirs(os.path.dirname(png), exist_ok=True)
    # root in CI: Chromium's sandbox refuses to start without --no-sandbox
    p = subprocess.run([chromium, "--headless", "--no-sandbox",
                        "--disable-gpu", "--no-first-run",
                        "--disable-extensions", "--hide-scrollbars",
                        "--force-device-scale-factor=1",
                        "--user-data-dir=" + os.path.join(tmp, "profile"),
                        "--screenshot=" + png,
                        "--window-size=%d,%d" % (width, height),
                        "file://" + svgpath],
                       env=dict(os.environ, HOME=tmp), capture_output=True,
                       timeout=180)
    if p.returncode != 0 or not os.path.exists(png):
        print("render: FAIL: chromium failed (%d): %s" % (
            p.returncode, p.stderr.decode(errors="replace")[-300:].strip()))
        return 1
    w, h, bpp, rows = read_png(png)
    sx, sy = w / width, h / height

    def scaled(box):
        return (int(box[0] * sx), int(box[1] * sy), int(box[2] * sx) + 1,
                int(box[3] * sy) + 1)

    heading, bars, paths = areas(svg)
    failures = []
    total = dark(rows, bpp, (0, 0, w, h))
    if total < 0.005 * w * h:
        failures.append("the picture is (nearly) blank (%d dark pixels)"
                        % total)
    for name, box, least in (("heading", heading, 100),
                             ("bars", bars, 2000),
                             ("paths", paths, 500)):
        n = dark(rows, bpp, scaled(box))
        if n < least:
            failures.append("too little ink in the %s area %s: %d pixels"
                            % (name, box, n))
    if accent(rows, bpp) < 20:
        failures.append("the fall back's accent colour is not drawn")
    if failures:
        print("render: FAIL: %s (PNG at %s)" % ("; ".join(failures), png))
        return 1
    print("render: ok: heading, bars and paths drawn, %dx%d PNG at %s"
          % (w, h, png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
