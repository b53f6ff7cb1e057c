#!/usr/bin/env python3
"""Guided reflection through the real commands: what is not for a
supervision view stays out of it, and out of the picture.

usage: reflect_leak.py BRON LOCALEDIR
       (REFLECT_LEAK_KEEP=1 keeps the vault and the views written)

Builds a vault with `bron` itself: experiences of every decision (one
decided "use" and later set back to not yet, one that failed the plan's
check), a disclosure plan for every experience, disclosure notes, the
triggers plan, four-phase stories (private, not yet shareable, shareable
with private passages and one passage left open, and a shareable story
without a title of an experience never to be used) and entries that
belong to experiences.  Everything that may not show carries a canary
word; what must show carries a visible marker.  Then it writes `bron
supervision --yes` in every format and every --withheld mode, with no
selection and with --since, --area, --kind, --phase and --tag, and draws
`bron overview --shareable` as SVG and as text.  No canary may appear in
any output file, standard output or standard error (the HTML view's inline
picture is checked on its own too); each visible marker must appear where
the selection keeps its experience; in JSON each experience's phase path
must hold exactly its own placements and its shareable entries' phases.
As controls, `bron plan ID --show`, `bron triggers`, `bron disclosed ID
--list` and the overview without --shareable must show their canaries: the
data really is in the vault.  Prints what it checked and exits 0 when all
holds, else the failures and 1.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

PASS = "lindeboom aan de gracht in de winter"
KDF = ["--kdf-memory", "8", "--kdf-passes", "1"]
FORMATS = ["md", "txt", "html", "json"]
WITHHELD = ["omit", "placeholder", "count"]
PLAN_PASSES = "ja\nja\nja\nja\nnee\n"  # the last question: still too raw?
PLAN_FAILS = "ja\nnee\nja\nja\nja\n"


class Canaries:
    """Words of lowercase letters only, so that no detector touches them:
    "qzgeheim..." must never show, "qzzicht..." must."""

    def __init__(self):
        self.n = 0
        self.secret = {}   # word -> where it was written
        self.visible = {}  # word -> where it was written

    def _word(self, stem):
        n, s = self.n, ""
        self.n += 1
        while True:
            s += "abcdefghijklmnop"[n % 16]
            n //= 16
            if not n:
                break
        return "qz%s%skanarie" % (stem, s)

    def s(self, where):
        w = self._word("geheim")
        self.secret[w] = where
        return w

    def v(self, where):
        w = self._word("zicht")
        self.visible[w] = where
        return w


def main():
    bron, localedir = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="bron-reflect-")
    try:
        return run(bron, localedir, tmp)
    finally:
        if os.environ.get("REFLECT_LEAK_KEEP"):  # to look at the views
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(bron, localedir, tmp):
    vault = os.path.join(tmp, "journal.bron")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "TZ": "UTC", "LANG": "nl_NL.UTF-8", "BRON_LOCALEDIR": localedir,
           "BRON_KDF_ALLOW_WEAK": "1", "NO_COLOR": "1"}
    runs = [0]

    def bron_run(args, stdin=""):
        r, w = os.pipe()
        os.write(w, (PASS + "\n").encode())
        os.close(w)
        p = subprocess.run([bron, "--vault", vault, "--passphrase-fd",
                            str(r)] + args, input=stdin.encode(), env=env,
                           pass_fds=(r,), capture_output=True, timeout=60)
        os.close(r)
        runs[0] += 1
        if p.returncode != 0:
            raise SystemExit("bron %s failed (%d): %s" %
                             (" ".join(args), p.returncode,
                              p.stderr.decode(errors="replace")))
        return p.stdout.decode(), p.stderr.decode()

    def new_id(out):
        m = re.search(r"\b[0-9a-f]{16}\b", out)
        if not m:
            raise SystemExit("no id in %r" % out)
        return m.group(0)

    c = Canaries()
    bron_run(["init", "--force"] + KDF)

    # ---- experiences: (name, decision, kind, area, phases) ----
    specs = [
        ("U1", "use", "loss", "work", ["1", "2"]),
        ("U2", "use", "illness", "home", ["3"]),
        ("U3", "use", None, None, []),
        ("U4", "use", "trauma", "work", []),  # no notes, no entries
        ("N1", "not-yet", "loss", "work", ["2"]),
        ("P1", "never", "loss", "work", ["1"]),
        ("D1", None, "loss", "work", ["3"]),
        ("B1", "use", "loss", "work", ["2"]),  # set back to not yet
        ("F1", "use", "loss", "work", ["1"]),  # fails the plan's check
        ("S1", "never", None, "home", []),  # a shareable story, untitled
    ]
    use = ["U1", "U2", "U3", "U4"]
    xid, title_mark = {}, {}
    for name, decision, kind, area, phases in specs:
        if name in use:
            mark = c.v("the title of %s" % name)
            title = "%s werkervaring %s" % (mark, name.lower())
            if name == "U1":
                title += " [[%s]] daarna" % c.s("a passage in the title "
                                                 "of U1")
            title_mark[name] = mark
        else:
            title = "%s ervaring" % c.s("the title of %s" % name + (
                ", which `bron story S1 --level shareable` without --title "
                "copies into the story's title" if name == "S1" else ""))
        args = ["experience", "add", title,
                "--when", c.s("--when of %s" % name)]
        if decision:
            args += ["--decision", decision]
        if kind:
            args += ["--kind", kind]
        if area:
            args += ["--area", area]
        if phases:
            args += ["--phase", phases[0]]
        xid[name] = new_id(bron_run(args)[0])
        for ph in phases[1:]:
            bron_run(["experience", "edit", xid[name], "--phase", ph])

    # ---- a plan for every experience, "use" ones too ----
    for name, decision, _, _, _ in specs:
        answers = PLAN_FAILS if decision in ("not-yet", "never") or \
            name == "F1" else PLAN_PASSES
        bron_run(["plan", xid[name],
                  "--what", "%s wat ik zou delen" % c.s("plan what of %s" %
                                                        name),
                  "--with", "client, colleague",
                  "--why", "%s waarom" % c.s("plan why of %s" % name)],
                 answers)
    bron_run(["experience", "edit", xid["B1"], "--decision", "not-yet"])
    decision_of = {"U1": "use", "U2": "use", "U3": "use", "U4": "use",
                   "N1": "not-yet", "P1": "never", "D1": None,
                   "B1": "not-yet", "F1": "not-yet", "S1": "never"}

    # ---- disclosure notes ----
    note_marks = []
    for i, name in enumerate(("U1", "U1", "U2", "U3")):
        v1, v2, v3 = (c.v("a note of %s" % name) for _ in range(3))
        note_marks += [v1, v2, v3]
        # a role from the list, or in the author's own words
        role = "client" if i != 1 else \
            "een collega [[%s]]" % c.s("a passage in a role of U1")
        bron_run(["disclosed", xid[name], "--role", role,
                  "--context", "%s op het werk [[%s]]" %
                  (v1, c.s("a passage in a note of %s" % name)),
                  "--outcome", "[[%s]] %s het ging goed" %
                  (c.s("a passage in a note of %s" % name), v2),
                  "--differently", "%s [[%s ]] volgende keer" %
                  (v3, c.s("a passage in a note of %s" % name))])
    for name in ("N1", "P1", "D1", "B1", "F1"):
        bron_run(["disclosed", xid[name],
                  "--role", c.s("the role of a note of %s" % name),
                  "--context", c.s("a note of %s" % name),
                  "--outcome", c.s("a note of %s" % name),
                  "--differently", c.s("a note of %s" % name)])

    # ---- the triggers plan ----
    for lst in ("trigger", "signal", "helps"):
        for _ in range(2):
            bron_run(["triggers", "add", lst,
                      "%s iets" % c.s("the triggers plan (%s)" % lst)])

    # ---- entries that belong to experiences ----
    entry_marks = []
    # expected phase path of each "use" experience, in JSON
    path = {"U1": [1, 2], "U2": [3], "U3": [], "U4": []}

    def entry(name, level, phase, area="work"):
        if level == "shareable":
            t, b = c.v("an entry of %s" % name), c.v("an entry of %s" % name)
            entry_marks.extend([t, b])
            title = "%s dienst" % t
            body = ("Een dienst. %s kwam terug.\n[[%s]] en verder\n" %
                    (b, c.s("a passage in an entry of %s" % name)))
            if name in path:
                path[name].append(phase)
        else:
            title = c.s("the title of a %s entry of %s" % (level, name))
            body = "%s\n" % c.s("the text of a %s entry of %s" %
                                (level, name))
        bron_run(["add", "--title", title, "--level", level, "--area", area,
                  "--experience", xid[name], "--phase", str(phase),
                  "--helped", c.s("--helped of an entry of %s" % name),
                  "--hindered", c.s("--hindered of an entry of %s" % name)],
                 body)

    entry("U1", "shareable", 2)
    entry("U1", "private", 4)
    entry("U1", "not-yet-shareable", 3)
    entry("U2", "shareable", 4)
    entry("U2", "private", 1, "home")
    entry("N1", "shareable", 3)  # its text shows; N1 itself does not
    entry("N1", "not-yet-shareable", 4)
    entry("P1", "private", 2)

    # ---- four-phase stories ----
    def story(name, level, parts, title=None):
        args = ["story", xid[name], "--level", level]
        if title:
            args += ["--title", title]
        return new_id(bron_run(args, parts)[0])

    s = [c.v("the story of U1") for _ in range(5)]
    entry_marks += s
    story("U1", "shareable",
          "%s fase een [[%s]]\n.\n" % (s[0], c.s("a passage in U1's story"))
          + "%s fase twee\n:back 1\n" % s[1]
          + "%s terug in fase een\n.\n" % s[2]
          + "%s weer fase twee\n.\n" % s[3]
          + "%s fase drie [[ %s nooit gesloten\n%s\n.\n" %
          (s[4], c.s("an open passage in U1's story"),
           c.s("after an open passage in U1's story"))
          + "%s fase vier\n.\n" % c.s("phase 4 after an open passage"),
          title="%s verhaal" % s[0])
    path["U1"].append(4)  # the story ends in phase 4
    for name, level in (("N1", "private"), ("P1", "not-yet-shareable"),
                        ("D1", "private"), ("U2", "private"),
                        ("B1", "not-yet-shareable")):
        story(name, level, "".join(
            "%s\n.\n" % c.s("phase %d of a %s story of %s" % (p, level, name))
            for p in range(1, 5)))
    # a draft, paused in phase 2
    story("F1", "private", "%s\n.\n%s\n:pause\n" %
          (c.s("a draft story of F1"), c.s("a draft story of F1")))
    # The author makes a story of an experience she will never use
    # shareable, and gives it no title: the story's text is hers to share,
    # the experience's title is not.
    mark = c.v("a shareable story of S1")
    entry_marks.append(mark)
    story("S1", "shareable", "%s fase een\n.\n:done\n" % mark)

    # ---- controls: the data is there ----
    failures = []

    def must_hold(what, text, words):
        for w in words:
            if w not in text:
                failures.append("control: %s lacks %s (%s)" %
                                (what, w, c.secret.get(w) or
                                 c.visible.get(w)))

    listed = json.loads(bron_run(["experience", "list", "--json"])[0])
    by_id = {x["id"]: x for x in listed}
    for name, _, _, _, _ in specs:
        got = by_id[xid[name]]["decision"]
        if got != decision_of[name]:
            failures.append("control: %s has decision %s, not %s" %
                            (name, got, decision_of[name]))
    for name, _, _, _, _ in specs:
        out, _ = bron_run(["plan", xid[name], "--show"])
        must_hold("plan %s --show" % name, out,
                  [w for w, where in c.secret.items()
                   if where in ("plan what of %s" % name,
                                "plan why of %s" % name)])
    out, _ = bron_run(["triggers"])
    must_hold("triggers", out, [w for w, where in c.secret.items()
                                if where.startswith("the triggers plan")])
    out, _ = bron_run(["disclosed", xid["N1"], "--list"])
    must_hold("disclosed N1 --list", out,
              [w for w, where in c.secret.items()
               if where.endswith("a note of N1")])
    svg_all = os.path.join(tmp, "all.svg")
    bron_run(["overview", "--svg", svg_all])
    out, _ = bron_run(["overview"])
    for what, text in (("overview --svg", open(svg_all).read()),
                       ("overview", out)):
        must_hold(what, text, [w for w, where in c.secret.items()
                               if where in ("the title of N1",
                                            "the title of P1")])

    # ---- the views ----
    secret = sorted(c.secret)
    views = [0]
    leaked = {}  # where a canary was written -> the outputs holding it

    def leaks(what, text):
        for m in re.finditer(r"qzgeheim[a-z]*", text):
            word = m.group(0)
            whole = [w for w in secret if w.startswith(word) or
                     word.startswith(w)]
            where = ", ".join(c.secret[w] for w in whole) or \
                "a canary cut short: %s" % word
            leaked.setdefault(where, []).append(what)
        # anything of a "qz" word that is neither kind
        for m in re.finditer(r"qz[a-z]*", text):
            if not m.group(0).startswith(("qzgeheim", "qzzicht")):
                failures.append("%s holds a damaged canary %s" %
                                (what, m.group(0)))

    def shows(what, text, words):
        for w in words:
            if w not in text:
                failures.append("%s lacks %s (%s)" %
                                (what, w, c.visible[w]))

    def absent(what, text, words):
        for w in words:
            if w in text:
                failures.append("%s shows %s (%s), which the selection "
                                "leaves out" % (what, w, c.visible[w]))

    # selection -> the "use" experiences it keeps
    selections = [
        ([], use),
        (["--since", "yesterday"], ["U1", "U2", "U3"]),  # U4: no notes
        (["--since", "2099-01-01"], []),
        (["--area", "work"], ["U1", "U4"]),
        (["--kind", "loss"], ["U1"]),
        (["--phase", "2"], ["U1"]),  # the phase U1 is in now
        (["--tag", "geen"], []),
    ]
    for fmt in FORMATS:
        for wh in WITHHELD:
            for sel, keep in selections:
                args = ["supervision", "--yes", "--format", fmt,
                        "--withheld", wh] + sel
                what = " ".join(args)
                dest = None
                if not sel:  # once to a file, once to standard output
                    dest = os.path.join(tmp, "view-%s-%s.%s" % (fmt, wh, fmt))
                    out, err = bron_run(args + ["--out", dest])
                    leaks(what + " (stdout)", out)
                    leaks(what + " (stderr)", err)
                    fout = open(dest, encoding="utf-8").read()
                    leaks(what + " --out", fout)
                    shows(what + " --out", fout,
                          [title_mark[n] for n in keep])
                out, err = bron_run(args)
                views[0] += 1 + (dest is not None)
                leaks(what, out)
                leaks(what + " (stderr)", err)
                shows(what, out, [title_mark[n] for n in keep])
                absent(what, out, [title_mark[n] for n in use
                                   if n not in keep])
                if not sel:
                    shows(what, out, note_marks + entry_marks)
                if fmt == "html" and keep:
                    m = re.search(r"<svg.*?</svg>", out, re.S)
                    if not m:
                        failures.append("%s has no picture" % what)
                    else:
                        leaks(what + " (its picture)", m.group(0))
                        shows(what + " (its picture)", m.group(0),
                              [title_mark[n] for n in keep if path[n]])
                if fmt == "json":
                    check_json(what, out, keep, title_mark, path, failures)

    # ---- the picture, shareable part only ----
    svg = os.path.join(tmp, "shareable.svg")
    out, err = bron_run(["overview", "--svg", svg, "--shareable"])
    text = open(svg, encoding="utf-8").read()
    for what, t in (("overview --svg --shareable", text),
                    ("overview --svg --shareable (stdout)", out),
                    ("overview --svg --shareable (stderr)", err)):
        leaks(what, t)
    shows("overview --svg --shareable", text,
          [title_mark[n] for n in use])
    out, err = bron_run(["overview", "--shareable"])
    leaks("overview --shareable", out)
    leaks("overview --shareable (stderr)", err)
    shows("overview --shareable", out, [title_mark[n] for n in use])
    views[0] += 2

    # ---- the log of views written ----
    for args in (["shared"], ["shared", "--json"]):
        out, err = bron_run(args)
        leaks(" ".join(args), out + err)

    print("%d views and pictures from %d bron runs; %d secret and %d "
          "visible canaries checked" % (views[0], runs[0], len(c.secret),
                                        len(c.visible)))
    for where, whats in sorted(leaked.items()):
        print("FAIL LEAK: %s, in %d outputs, the first: %s" %
              (where, len(whats), whats[0]))
    for f in failures[:40]:
        print("FAIL", f)
    if len(failures) > 40:
        print("... and %d more" % (len(failures) - 40))
    bad = failures or leaked
    print("%d passed, %d failed" % (0 if bad else 1, 1 if bad else 0))
    return 1 if bad else 0


def check_json(what, out, keep, title_mark, path, failures):
    """The JSON view parses, keeps exactly the selected experiences, and
    each path holds only the experience's own placements and the phases of
    its shareable entries."""
    try:
        doc = json.loads(out)
    except ValueError as e:
        failures.append("%s is not JSON: %s" % (what, e))
        return
    exps = doc.get("experiences", [])
    if len(exps) != len(keep):
        failures.append("%s has %d experiences, not %d" %
                        (what, len(exps), len(keep)))
    for x in exps:
        names = [n for n in keep if x.get("title", "").startswith(
            title_mark[n])]
        if not names:
            failures.append("%s holds an experience it should not: %r" %
                            (what, x.get("title")))
            continue
        got = sorted(p["phase"] for p in x.get("path", []))
        if got != sorted(path[names[0]]):
            failures.append("%s: the path of %s is %s, not %s" %
                            (what, names[0], got, sorted(path[names[0]])))


if __name__ == "__main__":
    sys.exit(main())
