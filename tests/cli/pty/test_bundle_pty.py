#!/usr/bin/env python3
"""Encrypted bundles in the bron shell, through a pseudo-terminal (pexpect):
identity new and show, contacts add and list, Tab completion of contact
names after `supervision --to` and `contacts remove`, the preview and its
question before a bundle is sealed (no, then yes), `open` showing the view,
and a history that keeps the commands but no contact name, key or file.

Every test runs in a fresh temporary HOME with its own vault, once per
language (English and Dutch); the Dutch expectations come from po/nl.po.

usage: test_bundle_pty.py --bron PATH --localedir DIR [--lang LANG]...
"""
import argparse
import io
import locale
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import pexpect
except ImportError:
    sys.exit("test_bundle_pty: needs pexpect for this python3 "
             "(Debian: python3-pexpect)")

from shellio import PROMPT, TIMEOUT, ShellIO  # noqa: E402
LANGS = ("en_US.UTF-8", "nl_NL.UTF-8")
ESCAPES_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x07\x08]")
AGE_KEY_RE = r"age1[02-9ac-hj-np-z]{58}"
FPR_RE = r"[02-9ac-hj-np-z]{4}(?:-[02-9ac-hj-np-z]{4}){3}"

# What bron says, by language (the msgid and the msgstr of po/nl.po).
MESSAGES = {
    "en": {
        "passphrase": "Passphrase: ",
        "welcome": "Type 'help' for the commands, Ctrl-D to leave.",
        "quit_help": "leave the shell",
        "made": "Your identity is made. Give this public key to the people "
                "who send you bundles:",
        "fingerprint": "fingerprint: ",
        "added": "'{}' added; fingerprint {} (compare it with theirs, in "
                 "person or by phone)",
        "removed": "'{}' removed from your contacts",
        "encrypt_q": "Encrypt this view for the recipients? [y/N] ",
        "yes": "y",
        "no": "n",
        "sealed": "bundle encrypted for 2 recipients",
        "nothing_written": "nothing written",
        "heading": "Supervision view",
        "shown": "1 entry shown",
        "cut": "1 private passage cut",
        "label": "[Person A]",
        "too_many": "supervision: too many arguments (see 'bron help "
                    "supervision')",
    },
    "nl": {
        "passphrase": "Wachtzin: ",
        "welcome": "Typ 'help' voor de opdrachten, Ctrl-D om te stoppen.",
        "quit_help": "de shell verlaten",
        "made": "Je identiteit is aangemaakt. Geef deze openbare sleutel aan "
                "wie jou bundels stuurt:",
        "fingerprint": "vingerafdruk: ",
        "added": "'{}' toegevoegd; vingerafdruk {} (controleer samen met de "
                 "ander of die klopt, persoonlijk of telefonisch)",
        "removed": "'{}' is uit je contacten verwijderd",
        "encrypt_q": "Dit overzicht voor de ontvangers versleutelen? [j/N] ",
        "yes": "j",
        "no": "n",
        "sealed": "bundel versleuteld voor 2 ontvangers",
        "nothing_written": "er is niets geschreven",
        "heading": "Supervisieoverzicht",
        "shown": "1 notitie getoond",
        "cut": "1 privépassage weggelaten",
        "label": "[Persoon A]",
        "too_many": "supervision: te veel argumenten (zie 'bron help "
                    "supervision')",
    },
}

ARGS = None

TEXT = ("Ik sprak Jan de Vries aan de keukentafel. [[Dit blijft van mij.]] "
        "Daarna naar huis.\n")
CANARY_TITLE = "Kanarietitel" + secrets.token_hex(4)
CANARY_TEXT = "Kanarietekst" + secrets.token_hex(4)


def tokens(text):
    return set(ESCAPES_RE.sub("", text).split())


def age_keygen(path):
    subprocess.run(["age-keygen", "-o", path], check=True,
                   capture_output=True)
    return subprocess.run(["age-keygen", "-y", path], check=True,
                          capture_output=True,
                          encoding="utf-8").stdout.strip()


class BundleCase(ShellIO, unittest.TestCase):
    LANG = None

    @classmethod
    def setUpClass(cls):
        cls.M = MESSAGES[cls.LANG[:2]]

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="bron-bundle-pty-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.home = os.path.join(self.root, "home")
        os.mkdir(self.home, 0o700)
        self.passphrase = "pty-pass-" + secrets.token_hex(8)
        self.children = []
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LC_", "BRON_", "XDG_"))
               and k not in ("LANGUAGE", "VISUAL", "EDITOR", "INPUTRC",
                             "HISTFILE", "COLUMNS", "LINES")}
        env.update(HOME=self.home, LANG=self.LANG, TERM="dumb", NO_COLOR="1",
                   BRON_LOCALEDIR=ARGS.localedir, INPUTRC="/dev/null")
        self.env = env
        self.key = os.path.join(self.root, "sup.key")
        self.pub = age_keygen(self.key)
        self.key2 = os.path.join(self.root, "sup2.key")
        self.pub2 = age_keygen(self.key2)

    def tearDown(self):
        for p in self.children:
            if p.isalive():
                p.terminate(force=True)
        for p in self.children:
            self.assertNotIn(self.passphrase, p.logfile_read.getvalue(),
                             "the passphrase was shown")

    def spawn(self, args):
        p = pexpect.spawn(ARGS.bron, args, env=self.env, cwd=self.home,
                          encoding="utf-8", codec_errors="replace",
                          timeout=TIMEOUT, dimensions=(50, 200))
        p.delaybeforesend = None
        p.logfile_read = io.StringIO()
        self.children.append(p)
        return p

    def bron(self, *args, stdin=""):
        r, w = os.pipe()
        os.write(w, (self.passphrase + "\n").encode())
        os.close(w)
        try:
            res = subprocess.run([ARGS.bron, "--passphrase-fd", str(r)] +
                                 list(args), input=stdin, env=self.env,
                                 cwd=self.home, pass_fds=(r,),
                                 capture_output=True, encoding="utf-8",
                                 timeout=TIMEOUT)
        finally:
            os.close(r)
        self.assertEqual(res.returncode, 0,
                         f"bron {' '.join(args)}: {res.stderr}")
        return res.stdout

    def make_journal(self):
        self.bron("init", "--kdf-memory", "8", "--kdf-passes", "1",
                  "--force")
        self.bron("add", "--title", "Huisbezoek", "--level", "shareable",
                  stdin=TEXT)
        self.bron("add", "--title", CANARY_TITLE, stdin=CANARY_TEXT + "\n")
        self.bron("names", "add", "Jan de Vries")

    def shell(self):
        p = self.spawn([])
        p.expect_exact(self.M["passphrase"])
        p.sendline(self.passphrase)
        p.expect_exact(self.M["welcome"])
        p.expect_exact(PROMPT)
        return p

    def age_open(self, key, path):
        res = subprocess.run(["age", "-d", "-i", key, path],
                             capture_output=True, encoding="utf-8")
        self.assertEqual(res.returncode, 0, res.stderr)
        return res.stdout

    def history(self, p, steps):
        """Walks steps lines back through the history with Ctrl-P, from an
        empty prompt; returns the lines readline showed, newest first
        (without repeats: at the oldest line it only rings the bell), and
        all it printed.  Readline on a dumb terminal redraws a line with
        carriage returns, backspaces and blanks: each step's output is
        played onto one emulated line."""
        mark = len(p.logfile_read.getvalue())
        line, cursor, shown = list(PROMPT), len(PROMPT), []
        for _ in range(steps):
            p.send("\x10")
            # every step prints something (a line, or the bell at the
            # oldest one): wait for it, then for the rest until it is quiet
            p.expect(r"(?s).+")
            got = p.after
            while True:
                try:
                    p.expect(r"(?s).+", timeout=0.3)
                    got += p.after
                except pexpect.TIMEOUT:
                    break
            for ch in got:
                if ch == "\r":
                    cursor = 0
                elif ch == "\x08":
                    cursor = max(0, cursor - 1)
                elif ch == "\x07":
                    continue
                else:
                    self.assertNotIn(ch, "\n\x1b", "unexpected output while "
                                     "walking the history: %r" % got)
                    if cursor < len(line):
                        line[cursor] = ch
                    else:
                        line.append(ch)
                    cursor += 1
            text = "".join(line)
            self.assertTrue(text.startswith(PROMPT), text)
            text = text[len(PROMPT):].rstrip()
            if not shown or shown[-1] != text:
                shown.append(text)
        seen = p.logfile_read.getvalue()[mark:]
        p.send("\x15")
        self.sync(p)
        return shown, seen

    # ---- the whole way: identity, contacts, bundle, open, history ----

    def test_identity_contacts_bundle_and_open_in_the_shell(self):
        self.make_journal()
        tag = "".join(secrets.choice("bcdfghjkmnpqrstvwxz") for _ in range(6))
        name, name2 = "Begeleider" + tag, "Begeleidster" + tag
        bundle = os.path.join(self.home, "bundel-" + tag + ".age")
        p = self.shell()

        # identity new, then show: the same key on its own line
        out = self.run_line(p, "identity new")
        m = re.fullmatch(r"identity new\r\n" + re.escape(self.M["made"]) +
                         r"\r\n(" + AGE_KEY_RE + r")\r\n" +
                         re.escape(self.M["fingerprint"]) + "(" + FPR_RE +
                         r")\r\n", out)
        self.assertIsNotNone(m, repr(out))
        me, my_fpr = m.groups()
        out = self.run_line(p, "identity show")
        self.assertEqual(out, "identity show\r\n" + me + "\r\n" +
                         self.M["fingerprint"] + my_fpr + "\r\n")

        # two contacts; the list shows name, key and fingerprint
        fprs = {}
        for n, k in ((name, self.pub), (name2, self.pub2)):
            out = self.run_line(p, "contacts add %s %s" % (n, k))
            m = re.fullmatch(re.escape("contacts add %s %s\r\n" % (n, k)) +
                             re.escape(self.M["added"]).replace(
                                 re.escape("{}"), "(.*?)") + r"\r\n", out)
            self.assertIsNotNone(m, repr(out))
            self.assertEqual(m.group(1), n)
            self.assertRegex(m.group(2), "^" + FPR_RE + "$")
            fprs[n] = m.group(2)
        out = self.run_line(p, "contacts list")
        self.assertEqual(out, "contacts list\r\n" + "".join(
            "%s  %s  %s\r\n" % (n, k, fprs[n])
            for n, k in sorted(((name, self.pub), (name2, self.pub2)))))

        # Tab after --to and after contacts remove: both names
        for line in ("supervision --to ", "contacts remove "):
            p.send(line + "\t\t\t")
            self.collect(p, lambda t: {name, name2} <= tokens(t),
                         "both contact names after " + line)
            p.send("\x15")
            self.sync(p)

        # a prefix only one name has is completed; the completed line works:
        # the preview, the question; "no" writes nothing
        unique = name[:len("Begeleid") + 2]  # "Begeleide", not "Begeleids"
        for answer in (self.M["no"], self.M["yes"]):
            p.send("supervision --to " + unique + "\t")
            p.expect_exact(name + " ")
            p.send("--out " + bundle + "\r")
            p.expect_exact(self.M["encrypt_q"])
            shown = ESCAPES_RE.sub("", p.before)
            self.assertIn(self.M["heading"], shown)
            self.assertRegex(shown, r"(»|\x1b\[7m)" +
                             re.escape(self.M["label"]))
            self.assertIn("aan de keukentafel.", shown)
            self.assertIn("Daarna naar huis.", shown)
            for hidden in ("Dit blijft van mij", "Jan de Vries",
                           CANARY_TITLE, CANARY_TEXT):
                self.assertNotIn(hidden, shown)
            self.assertIn(self.M["shown"], shown)
            self.assertIn(self.M["cut"], shown)
            p.sendline(answer)
            p.expect_exact(PROMPT)
            if answer == self.M["no"]:
                self.assertIn(self.M["nothing_written"], p.before)
                self.assertNotIn(self.M["sealed"], p.before)
                self.assertFalse(os.path.exists(bundle))
            else:
                self.assertIn(self.M["sealed"], p.before)
                self.assertNotIn(self.M["nothing_written"], p.before)

        # the bundle: 0600, nothing in the clear; the contact's key opens
        # it, the other contact's does not
        self.assertEqual(os.stat(bundle).st_mode & 0o777, 0o600)
        with open(bundle, "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(b"age-encryption.org/v1\n"), raw[:40])
        self.assertNotIn(b"keukentafel", raw)
        text = self.age_open(self.key, bundle)
        self.assertIn(self.M["heading"], text)
        self.assertIn(self.M["label"], text)
        self.assertIn("Daarna naar huis.", text)
        for hidden in ("Dit blijft van mij", "Jan de Vries", CANARY_TITLE,
                       CANARY_TEXT):
            self.assertNotIn(hidden, text)
        res = subprocess.run(["age", "-d", "-i", self.key2, bundle],
                             capture_output=True)
        self.assertNotEqual(res.returncode, 0)
        self.assertEqual(res.stdout, b"")

        # open shows exactly the view that was sealed
        out = self.run_line(p, "open " + bundle)
        self.assertEqual(out, "open " + bundle + "\r\n" +
                         text.replace("\n", "\r\n"))

        # contacts remove, completed
        p.send("contacts remove Begeleids\t")
        p.expect_exact(name2 + " ")
        p.send("\r")
        p.expect_exact(self.M["removed"].format(name2))
        p.expect_exact(PROMPT)
        out = self.run_line(p, "contacts list")
        self.assertEqual(out, "contacts list\r\n%s  %s  %s\r\n" %
                         (name, self.pub, fprs[name]))

        # the history: each command with its options, never a name, a key
        # or a file (contacts and open keep no positional argument,
        # --to and --out no value)
        shown, seen = self.history(p, 12)
        self.assertEqual(shown, ["contacts", "open", "supervision --to --out",
                                 "help quit", "contacts", "identity show",
                                 "identity new"])
        for private in (name, name2, tag, self.pub, self.pub2, bundle, me,
                        "bundel-"):
            self.assertNotIn(private, seen)
        self.assertEqual(self.leave(p), (0, None))

    def test_contact_name_with_a_space(self):
        """A contact name with a space, typed with quotes after --to,
        seals the bundle and stays out of the history."""
        self.make_journal()
        tail = "".join(secrets.choice("bcdfghjkmnpqrstvwxz")
                       for _ in range(6))
        name = "Jan Sup" + tail
        bundle = os.path.join(self.home, "spatie.age")
        self.bron("identity", "new")
        self.bron("contacts", "add", name, self.pub)
        p = self.shell()
        # typed with quotes, the name works and stays out of the history
        out = self.run_line(p, "supervision --to '%s' --out %s --yes" %
                            (name, bundle))
        self.assertIn(self.M["sealed"], out)
        os.unlink(bundle)
        shown, seen = self.history(p, 1)
        self.assertEqual(shown, ["supervision --to --out --yes"])
        self.assertNotIn(tail, seen)
        self.assertEqual(self.leave(p), (0, None))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bron", required=True)
    ap.add_argument("--localedir", required=True)
    ap.add_argument("--lang", action="append", choices=LANGS)
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING")
    ARGS = ap.parse_args()
    ARGS.bron = os.path.abspath(ARGS.bron)
    ARGS.localedir = os.path.abspath(ARGS.localedir)
    if not shutil.which("age") or not shutil.which("age-keygen"):
        sys.exit("test_bundle_pty: age is missing (.ci/deps installs it)")
    langs = ARGS.lang or list(LANGS)
    for lang in langs:
        try:
            locale.setlocale(locale.LC_ALL, lang)
        except locale.Error:
            sys.exit(f"test_bundle_pty: the locale {lang} is missing")
    locale.setlocale(locale.LC_ALL, "C")
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for lang in langs:
        cls = type("Bundle_" + lang.split(".")[0], (BundleCase,),
                   {"LANG": lang})
        for t in loader.loadTestsFromTestCase(cls):
            if not ARGS.k or any(k in t.id() for k in ARGS.k):
                suite.addTest(t)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
