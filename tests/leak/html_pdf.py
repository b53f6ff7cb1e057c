#!/usr/bin/env python3
"""The HTML supervision view in a real browser.

usage: html_pdf.py BRON LOCALEDIR

Builds a vault whose private entries, not-yet-shareable entries and private
passages hold canary words, writes the view with `bron supervision --format
html`, checks the file is self-contained (no script, no external resource),
prints it to PDF with headless Chromium, and reads the PDF back with
pdftotext: it must hold every shareable entry's title and visible canary,
and none of the secret canaries.  Exit 0 when all holds, 1 otherwise.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

PASS = "lindeboom aan de gracht in de winter"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]


def main():
    bron, localedir = sys.argv[1], sys.argv[2]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium or not shutil.which("pdftotext"):
        print("chromium or pdftotext is missing (.ci/deps installs them)")
        return 1
    tmp = tempfile.mkdtemp(prefix="bron-pdf-")
    try:
        return run(bron, localedir, chromium, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(bron, localedir, chromium, tmp):
    vault = os.path.join(tmp, "journal.bron")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "TZ": "UTC", "LANG": "nl_NL.UTF-8", "BRON_LOCALEDIR": localedir,
           "BRON_KDF_ALLOW_WEAK": "1", "NO_COLOR": "1"}

    def bron_run(args, stdin=b""):
        r, w = os.pipe()
        os.write(w, (PASS + "\n").encode())
        os.close(w)
        p = subprocess.run([bron, "--vault", vault, "--passphrase-fd",
                            str(r)] + args, input=stdin, env=env,
                           pass_fds=(r,), capture_output=True, timeout=60)
        os.close(r)
        if p.returncode != 0:
            raise SystemExit("bron %s failed (%d): %s" %
                             (" ".join(args), p.returncode,
                              p.stderr.decode(errors="replace")))
        return p.stdout.decode()

    bron_run(["init", "--force"] + KDF)
    secret, visible, titles = [], [], []
    for i in range(12):
        level = ("shareable", "not-yet-shareable", "private")[i % 3]
        s1, s2 = "qzgeheimwoord%da" % i, "qzgeheimwoord%db" % i
        v = "qzzichtbaar%dx" % i
        title = "Werkdag nummer %d" % i if level == "shareable" else \
            "qzgeheimtitel%d" % i
        if level == "shareable":
            body = ("Een gewone dag op het werk. %s komt terug.\n"
                    "[[Alleen voor mij: %s]] En daarna: "
                    "<script>alert('%s')</script> <b>vet</b>\n"
                    "[[nog een [[geneste]] passage met %s]]\n" %
                    (v, s1, v, s2))
            visible.append(v)
            titles.append(title)
            secret += [s1, s2]
        else:
            body = "Niet delen: %s en %s.\n" % (s1, s2)
            secret += [s1, s2, title]
        bron_run(["add", "--title", title, "--level", level, "--area",
                  "work"], body.encode())
    out = os.path.join(tmp, "view.html")
    bron_run(["supervision", "--yes", "--format", "html", "--withheld",
              "placeholder", "--out", out])
    html = open(out, encoding="utf-8").read()
    failures = []
    for bad in (r"<script", r"\bsrc\s*=", r"<link", r"@import", r"url\(",
                r"https?://", r"<iframe", r"<img", r"<object"):
        if re.search(bad, html, re.I):
            failures.append("the HTML holds %s" % bad)
    for s in secret:
        if s in html:
            failures.append("the HTML holds the secret %s" % s)

    pdf = os.path.join(tmp, "view.pdf")
    profile = os.path.join(tmp, "profile")
    p = subprocess.run([chromium, "--headless", "--no-sandbox",
                        "--disable-gpu", "--no-first-run",
                        "--disable-extensions", "--user-data-dir=" + profile,
                        "--print-to-pdf=" + pdf, "--no-pdf-header-footer",
                        "file://" + out],
                       env=dict(env, HOME=tmp), capture_output=True,
                       timeout=180)
    if p.returncode != 0 or not os.path.exists(pdf):
        print("chromium failed (%d): %s" %
              (p.returncode, p.stderr.decode(errors="replace")[-2000:]))
        return 1
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"],
                          capture_output=True, check=True).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    for t in titles + visible:
        if t not in flat:
            failures.append("the PDF lacks %s" % t)
    for s in secret:
        if s in flat:
            failures.append("the PDF holds the secret %s" % s)
    if "alert(" in flat and "<script>" not in flat:
        failures.append("markup from an entry was rendered, not shown")
    pages = subprocess.run(["pdfinfo", pdf], capture_output=True,
                           check=True).stdout.decode()
    m = re.search(r"^Pages:\s+(\d+)", pages, re.M)
    print("PDF: %s pages, %d bytes; %d titles, %d visible and %d secret "
          "canaries checked" % (m.group(1) if m else "?", os.path.getsize(pdf),
                                len(titles), len(visible), len(secret)))
    for f in failures:
        print("FAIL", f)
    print("%d passed, %d failed" % (1 if not failures else 0,
                                    1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
