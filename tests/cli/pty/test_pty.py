#!/usr/bin/env python3
"""The bron shell and its terminal handling, driven through a pseudo-terminal
with pexpect: passphrase prompts without echo, entries written at the prompt
and in $EDITOR, list/search/level/show, lock and idle lock, Ctrl-C and Ctrl-D,
completion, and a history that never reaches the disk.

Every test runs in a fresh temporary HOME with its own vault, once per
language (English and Dutch); the Dutch expectations come from po/nl.po.

usage: test_pty.py --bron PATH --localedir DIR [--lang LANG]... [unittest args]
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
    sys.exit("test_pty: needs pexpect for this python3 (Debian: python3-pexpect)")

from shellio import PROMPT, TIMEOUT, ShellIO  # noqa: E402
SHORT = 3           # for things that should happen at once
LANGS = ("en_US.UTF-8", "nl_NL.UTF-8")

# What bron says, by language (the English msgid and the Dutch msgstr of
# po/nl.po).  Only whole lines or line fragments that fit on one line.
MESSAGES = {
    "en": {
        "passphrase": "Passphrase: ",
        "new": "New passphrase: ",
        "repeat": "Repeat the new passphrase: ",
        "weak_kdf": "warning: these key derivation settings are below",
        "created": "Created the vault {}.",
        "recovery": "Your recovery code:",
        "differ": "the two passphrases differ; nothing was changed",
        "welcome": "Type 'help' for the commands, Ctrl-D to leave.",
        "write": "Write your entry. End with a line that holds only a dot "
                 "(.), or press Ctrl-D.",
        "private": "private",
        "not_yet": "not yet shareable",
        "shareable": "shareable",
        "level_arg": "shareable",
        "level_line": "level:",
        "history": "Level history:",
        "now": "entry {} is now {}",
        "no_match": "no entries match",
        "wrong": "bron: wrong passphrase",
        "locked": "vault locked; the next command asks for the passphrase",
        "idle": "The vault was idle and is now locked; the next command asks "
                "for the passphrase.",
        "quit_help": "leave the shell",
        "missing": "search: missing arguments; usage: bron search TEXT",
        "unknown_cmd": "unknown command",
        "label": "[Person A]",
        "shown": "1 entry shown",
        "cut": "1 private passage cut",
        "write_file": "Write this view to the file? [y/N] ",
        "encrypt_q": "Encrypt this view for the recipients? [y/N] ",
        "sealed": "bundle encrypted for 2 recipients",
        "nothing_written": "nothing written",
        "yes": "y",
        "phase1": "Phase 1, overwhelmed: what happened to you",
        "phase3": "Phase 3, living with it: how did you rebuild?",
        "skipped": "You skipped phase 2 (struggling with it). Write it now?",
        "story_saved": "Story saved as private.",
        "heading1": "-- Phase 1: overwhelmed --",
        "heading2": "-- Phase 2: struggling with it --",
        "heading3": "-- Phase 3: living with it --",
        "plan_what": "What exactly would you share?",
        "plan_with": "With whom? client, colleague, team, supervisor, "
                     "intervision (commas between):",
        "plan_why": "Why: what should it bring the other person?",
        "check_last": "Is it still too raw or too painful for you?",
        "yes_or_no": "please answer yes or no",
        "plan_passes": "The plan passes the check.",
        "role_q": "never a name)?",
        "context_q": "In what situation?",
        "outcome_q": "How did it go?",
        "differently_q": "What would you do differently next time?",
        "undecided": "undecided",
        "use_it": "use it",
        "exp_saved": "experience %s saved",
        "triggers_saved": "triggers plan saved",
        "inventory": "1 experience in the inventory; 9 more to reach ten.",
        "picture": "A picture of recovery",
        "day_re": r"\d{4}-\d{2}-\d{2}",  # how list and show write a date
    },
    "nl": {
        "passphrase": "Wachtzin: ",
        "new": "Nieuwe wachtzin: ",
        "repeat": "Herhaal de nieuwe wachtzin: ",
        "weak_kdf": "waarschuwing: deze instellingen voor sleutelafleiding",
        "created": "Kluis {} aangemaakt.",
        "recovery": "Je herstelcode:",
        "differ": "de twee wachtzinnen verschillen; er is niets gewijzigd",
        "welcome": "Typ 'help' voor de opdrachten, Ctrl-D om te stoppen.",
        "write": "Schrijf je notitie. Sluit af met een regel met alleen een "
                 "punt (.), of druk op Ctrl-D.",
        "private": "privé",
        "not_yet": "nog niet deelbaar",
        "shareable": "deelbaar",
        "level_arg": "deelbaar",
        "level_line": "niveau:",
        "history": "Wijzigingen van het niveau:",
        "now": "notitie {} is nu {}",
        "no_match": "geen notities gevonden",
        "wrong": "bron: verkeerde wachtzin",
        "locked": "kluis vergrendeld; de volgende opdracht vraagt om de "
                  "wachtzin",
        "idle": "De kluis werd een tijd niet gebruikt en is nu vergrendeld; "
                "de volgende opdracht vraagt om de wachtzin.",
        "quit_help": "de shell verlaten",
        "missing": "search: er ontbreken argumenten; gebruik: bron search "
                   "TEKST",
        "unknown_cmd": "onbekende opdracht",
        "label": "[Persoon A]",
        "shown": "1 notitie getoond",
        "cut": "1 privépassage weggelaten",
        "write_file": "Dit overzicht in het bestand opslaan? [j/N] ",
        "encrypt_q": "Dit overzicht voor de ontvangers versleutelen? [j/N] ",
        "sealed": "bundel versleuteld voor 2 ontvangers",
        "nothing_written": "er is niets geschreven",
        "yes": "j",
        "phase1": "Fase 1, overweldigd worden: wat overkwam je",
        "phase3": "Fase 3, ermee leven: hoe bouwde je weer op?",
        "skipped": "Je hebt fase 2 (ermee worstelen) overgeslagen. Wil je die "
                   "nu schrijven?",
        "story_saved": "Verhaal opgeslagen als privé.",
        "heading1": "-- Fase 1: overweldigd --",
        "heading2": "-- Fase 2: ermee worstelen --",
        "heading3": "-- Fase 3: ermee leven --",
        "plan_what": "Wat zou je precies delen?",
        "plan_with": "Met wie? cliënt, collega, team, supervisor, "
                     "intervisie (gescheiden door komma's):",
        "plan_why": "Waarom: wat wil je dat het de ander oplevert?",
        "check_last": "Is het voor jou nog te rauw of te pijnlijk?",
        "yes_or_no": "antwoord met ja of nee",
        "plan_passes": "Het plan doorstaat de toets.",
        "role_q": "nooit een naam)?",
        "context_q": "In welke situatie?",
        "outcome_q": "Hoe ging het?",
        "differently_q": "Wat zou je de volgende keer anders doen?",
        "undecided": "nog open",
        "use_it": "gebruiken",
        "exp_saved": "ervaring %s opgeslagen",
        "triggers_saved": "signaleringsplan opgeslagen",
        "inventory": "1 ervaring in je inventarisatie; nog 9 tot je er tien "
                     "hebt.",
        "picture": "Een beeld van je herstel",
        "day_re": r"\d{2}-\d{2}-\d{4}",
    },
}

LEVEL_NAMES = ["private", "not-yet-shareable", "shareable", "privé", "prive",
               "nog-niet-deelbaar", "deelbaar"]
LIST_OPTIONS = ["--level", "--tag", "--area", "--since", "--until", "--json"]
RECOVERY_RE = re.compile(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){5,}")
ESCAPES_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x07\x08]")

ARGS = None  # the parsed command line


def fstype(path):
    """The file system type of path as stat -f names it (tmpfs, ext2/ext3…)."""
    return subprocess.run(["stat", "-f", "-c", "%T", path], check=True,
                          capture_output=True, text=True).stdout.strip()


def tokens(text):
    """The blank-separated words of terminal output, escapes removed."""
    return set(ESCAPES_RE.sub("", text).split())


def tree(root, skip):
    """Every path under root (relative), except those under skip."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        if os.path.abspath(dirpath) == os.path.abspath(skip):
            dirnames[:] = []
            continue
        for n in dirnames + filenames:
            p = os.path.join(dirpath, n)
            if os.path.abspath(p) != os.path.abspath(skip):
                out.add(os.path.relpath(p, root))
    return out


class PtyCase(ShellIO, unittest.TestCase):
    """One language's worth of tests; subclasses set LANG."""

    LANG = None

    @classmethod
    def setUpClass(cls):
        cls.M = MESSAGES[cls.LANG[:2]]

    # ---- fixtures ----

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="bron-pty-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.home = os.path.join(self.root, "home")
        os.mkdir(self.home, 0o700)
        # A private tmpfs directory for the editor's file, as a login session
        # would have in /run/user/UID.
        self.runtime = tempfile.mkdtemp(prefix="bron-pty-run-", dir="/dev/shm")
        self.addCleanup(shutil.rmtree, self.runtime, True)
        self.vault_dir = os.path.join(self.home, ".local", "share", "bron")
        self.vault = os.path.join(self.vault_dir, "journal.bron")
        self.passphrase = "pty-pass-" + secrets.token_hex(8)
        self.secrets = [self.passphrase]  # never to be seen on the terminal
        self.check_echo = True
        self.children = []
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LC_", "BRON_", "XDG_"))
               and k not in ("LANGUAGE", "VISUAL", "EDITOR", "INPUTRC",
                             "HISTFILE", "COLUMNS", "LINES")}
        env.update(HOME=self.home, LANG=self.LANG, TERM="dumb", NO_COLOR="1",
                   XDG_RUNTIME_DIR=self.runtime,
                   BRON_LOCALEDIR=ARGS.localedir,
                   # no system-wide readline settings (completion-query-items,
                   # show-all-if-ambiguous…) may change what a TAB does
                   INPUTRC="/dev/null")
        self.env = env

    def tearDown(self):
        for p in self.children:
            if p.isalive():
                p.terminate(force=True)
        if self.check_echo:
            for p in self.children:
                out = p.logfile_read.getvalue()
                for s in self.secrets:
                    self.assertNotIn(s, out, "text typed with echo off was shown")

    def spawn(self, args, command=None, env=None):
        p = pexpect.spawn(command or ARGS.bron, args, env=env or self.env,
                          cwd=self.home, encoding="utf-8",
                          codec_errors="replace", timeout=TIMEOUT,
                          dimensions=(50, 200))
        # Every expectation below waits for the program to be ready (a
        # prompt), so there is no need for pexpect's blind pause.
        p.delaybeforesend = None
        p.logfile_read = io.StringIO()
        self.children.append(p)
        return p

    def bron(self, *args, passphrase=True, stdin=""):
        """Runs bron without a terminal (for setting up); returns stdout."""
        fds = ()
        argv = [ARGS.bron]
        if passphrase:
            r, w = os.pipe()
            os.write(w, (self.passphrase + "\n").encode())
            os.close(w)
            fds = (r,)
            argv += ["--passphrase-fd", str(r)]
        try:
            res = subprocess.run(argv + list(args), input=stdin, env=self.env,
                                 cwd=self.home, pass_fds=fds,
                                 capture_output=True, encoding="utf-8",
                                 timeout=TIMEOUT)
        finally:
            for fd in fds:
                os.close(fd)
        self.assertEqual(res.returncode, 0,
                         f"bron {' '.join(args)}: {res.stderr}")
        return res.stdout

    def make_vault(self):
        self.bron("init", "--kdf-memory", "8", "--kdf-passes", "1", "--force")
        self.assertTrue(os.path.exists(self.vault))

    def add_entry(self, title, body, level=None):
        """Adds an entry without the terminal; returns its 16-hex id."""
        args = ["add", "--title", title]
        if level:
            args += ["--level", level]
        out = self.bron(*args, stdin=body)
        m = re.search(r"\b[0-9a-f]{16}\b", out)
        self.assertIsNotNone(m, out)
        return m.group(0)

    # ---- talking to the shell ----

    def shell(self, *global_args):
        """Starts the shell on the vault and unlocks it."""
        p = self.spawn(list(global_args))
        p.expect_exact(self.M["passphrase"])
        p.sendline(self.passphrase)
        p.expect_exact(self.M["welcome"])
        p.expect_exact(PROMPT)
        return p

    def unlock_at_prompt(self, p):
        p.expect_exact(self.M["passphrase"])
        p.sendline(self.passphrase)

    def list_lines(self, text):
        """(short id, label, title) for every line list or search printed."""
        rows = []
        for line in text.splitlines():
            m = re.match(r"^([0-9a-f]{8})  " + self.M["day_re"] +
                         r"  (.+?)\s{2,}(.*?)\s*$", line.strip("\r"))
            if m:
                rows.append(m.groups())
        return rows

    # ---- 1. init ----

    def test_init_asks_twice_without_echo_and_shows_recovery_code(self):
        p = self.spawn(["init", "--kdf-memory", "8", "--kdf-passes", "1",
                        "--force"])
        p.expect_exact(self.M["new"])
        p.sendline(self.passphrase)
        p.expect_exact(self.M["repeat"])
        p.sendline(self.passphrase)
        p.expect_exact(self.M["weak_kdf"])
        p.expect_exact(self.M["created"].format(self.vault))
        p.expect_exact(self.M["recovery"])
        p.expect(RECOVERY_RE)
        p.expect(pexpect.EOF)
        p.close()
        self.assertEqual(p.exitstatus, 0)
        out = p.logfile_read.getvalue()
        self.assertNotIn(self.passphrase, out)
        # the vault opens with the passphrase typed above
        self.assertEqual(self.bron("list", "--json").strip(), "[]")

    def test_init_refuses_two_different_passphrases(self):
        other = "pty-other-" + secrets.token_hex(8)
        self.secrets.append(other)
        p = self.spawn(["init", "--kdf-memory", "8", "--kdf-passes", "1",
                        "--force"])
        p.expect_exact(self.M["new"])
        p.sendline(self.passphrase)
        p.expect_exact(self.M["repeat"])
        p.sendline(other)
        p.expect_exact(self.M["differ"])
        p.expect(pexpect.EOF)
        p.close()
        self.assertEqual(p.exitstatus, 2)
        self.assertFalse(os.path.exists(self.vault))
        self.assertNotIn(self.M["recovery"], p.logfile_read.getvalue())

    # ---- 2. add ----

    def test_add_at_the_interactive_prompt(self):
        self.make_vault()
        p = self.shell()
        p.sendline("add --title Huisbezoek --level " + self.M["level_arg"])
        p.expect_exact(self.M["write"])
        p.sendline("De eerste regel.")
        p.sendline("Zoë zat aan de keukentafel.")
        p.sendline("..not the end")
        p.sendline(".")
        p.expect(r"\b([0-9a-f]{16})\b")
        eid = p.match.group(1)
        p.expect_exact(PROMPT)
        out = self.run_line(p, "show " + eid[:8])
        self.assertIn("Huisbezoek", out)
        self.assertIn("De eerste regel.\r\nZoë zat aan de keukentafel.\r\n"
                      "..not the end\r\n", out)
        self.assertRegex(out, re.escape(self.M["level_line"]) + r"\s+"
                         + re.escape(self.M["shareable"]) + r"\r\n")
        self.assertEqual(self.leave(p), (0, None))

    def write_editor(self, name, text):
        """A fake editor: records what it was handed, then writes text."""
        log = os.path.join(self.root, name + ".log")
        path = os.path.join(self.root, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"""#!/bin/sh
dir=$(dirname "$1")
{{
  printf 'path=%s\\n' "$1"
  printf 'mode=%s\\n' "$(stat -c %a "$1")"
  printf 'dirmode=%s\\n' "$(stat -c %a "$dir")"
  printf 'fstype=%s\\n' "$(stat -f -c %T "$dir")"
  printf 'size=%s\\n' "$(stat -c %s "$1")"
}} > '{log}'
printf '%s\\n' '{text}' > "$1"
""")
        os.chmod(path, 0o700)
        return path, log

    def read_log(self, log):
        with open(log, encoding="utf-8") as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f)

    def add_with_editor(self, text):
        self.make_vault()
        p = self.shell()
        p.sendline("add --edit --title Bewerkt")
        p.expect(r"\b([0-9a-f]{16})\b")
        eid = p.match.group(1)
        p.expect_exact(PROMPT)
        out = self.run_line(p, "show " + eid)
        self.assertIn(text + "\r\n", out)
        self.assertEqual(self.leave(p), (0, None))
        return eid

    def check_editor_file(self, log, base):
        seen = self.read_log(log)
        path = seen["path"]
        self.assertTrue(path.startswith(base + "/bron-edit-"), path)
        self.assertEqual(seen["mode"], "600")
        self.assertEqual(seen["dirmode"], "700")
        self.assertIn(seen["fstype"], ("tmpfs", "ramfs"))
        self.assertEqual(seen["size"], "0")  # a new entry starts empty
        self.assertFalse(os.path.exists(path), "the editor's file is left")
        self.assertFalse(os.path.exists(os.path.dirname(path)),
                         "the editor's directory is left")

    def test_add_in_the_editor_on_a_private_tmpfs_file(self):
        text = "Geschreven in de editor: Zoë " + secrets.token_hex(4)
        editor, log = self.write_editor("fake-editor", text)
        self.env["EDITOR"] = editor
        self.add_with_editor(text)
        self.check_editor_file(log, self.runtime)
        self.assertEqual(os.listdir(self.runtime), [])

    def test_add_prefers_visual_and_falls_back_to_dev_shm(self):
        # $XDG_RUNTIME_DIR on a real disk must not be used for the text.
        disk = os.path.join(self.root, "run-on-disk")
        os.mkdir(disk, 0o700)
        if fstype(disk) in ("tmpfs", "ramfs"):
            self.skipTest(f"{disk} is on a tmpfs here")
        text = "Van VISUAL " + secrets.token_hex(4)
        visual, log = self.write_editor("fake-visual", text)
        editor, editor_log = self.write_editor("fake-editor", "van EDITOR")
        self.env.update(XDG_RUNTIME_DIR=disk, VISUAL=visual, EDITOR=editor)
        self.add_with_editor(text)
        self.check_editor_file(log, "/dev/shm")
        self.assertFalse(os.path.exists(editor_log), "$EDITOR ran, not $VISUAL")
        self.assertEqual(os.listdir(disk), [])

    # ---- 3. list and search ----

    def test_list_and_search_ignore_case_and_accents(self):
        self.make_vault()
        zoe = self.add_entry("Zoë op huisbezoek", "Een lang gesprek.\n")
        cafe = self.add_entry("Keukentafel", "In het café kwam het terug.\n",
                              level="shareable")
        other = self.add_entry("Iets anders", "Niets bijzonders.\n",
                               level="not-yet-shareable")
        p = self.shell()
        rows = self.list_lines(self.run_line(p, "list"))
        self.assertEqual(sorted(rows), sorted([
            (zoe[:8], self.M["private"], "Zoë op huisbezoek"),
            (cafe[:8], self.M["shareable"], "Keukentafel"),
            (other[:8], self.M["not_yet"], "Iets anders")]))
        for term in ("ZOE", "zoe", "ZOË", "Zoe"):
            rows = self.list_lines(self.run_line(p, "search " + term))
            self.assertEqual([r[0] for r in rows], [zoe[:8]], term)
        rows = self.list_lines(self.run_line(p, "search CAFE"))
        self.assertEqual([r[0] for r in rows], [cafe[:8]])
        out = self.run_line(p, "search onvindbaar")
        self.assertEqual(self.list_lines(out), [])
        self.assertIn(self.M["no_match"], out)
        self.assertEqual(self.leave(p), (0, None))

    # ---- 4. level and its history ----

    def test_level_change_shows_in_the_history_with_its_reason(self):
        self.make_vault()
        eid = self.add_entry("Na het huisbezoek", "De ruzie.\n")
        p = self.shell()
        why = "besproken in supervisie"
        out = self.run_line(p, f'level {eid[:6]} {self.M["level_arg"]} '
                               f'--why "{why}"')
        self.assertIn(self.M["now"].format(eid, self.M["shareable"]), out)
        out = self.run_line(p, "show " + eid[:8])
        self.assertIn(self.M["history"], out)
        self.assertRegex(out, self.M["day_re"] + r" \d{2}:\d{2}  "
                         + re.escape(f'{self.M["private"]} → '
                                     f'{self.M["shareable"]}: {why}'))
        self.assertRegex(out, re.escape(self.M["level_line"]) + r"\s+"
                         + re.escape(self.M["shareable"]) + r"\r\n")
        self.assertEqual(self.leave(p), (0, None))

    # ---- 5. lock ----

    def test_lock_asks_again_and_refuses_a_wrong_passphrase(self):
        self.make_vault()
        eid = self.add_entry("Vergrendeld", "tekst\n")
        wrong = "pty-wrong-" + secrets.token_hex(8)
        self.secrets.append(wrong)
        p = self.shell()
        self.assertIn(self.M["locked"], self.run_line(p, "lock"))
        p.sendline("list")
        p.expect_exact(self.M["passphrase"])
        p.sendline(wrong)
        p.expect_exact(self.M["wrong"])
        p.expect_exact(PROMPT)
        self.assertNotIn(eid[:8], p.before)
        p.sendline("list")  # still locked: asks again
        self.unlock_at_prompt(p)
        p.expect_exact(PROMPT)
        self.assertEqual([r[0] for r in self.list_lines(p.before)], [eid[:8]])
        # unlocked again: no more questions
        out = self.run_line(p, "list")
        self.assertNotIn(self.M["passphrase"], out)
        self.assertEqual([r[0] for r in self.list_lines(out)], [eid[:8]])
        self.assertEqual(self.leave(p), (0, None))

    # ---- 6. idle lock ----

    def test_idle_shell_locks_itself(self):
        self.make_vault()
        eid = self.add_entry("Even weg", "tekst\n")
        p = self.shell("--idle-timeout", "2")
        start = time.monotonic()
        p.expect_exact(self.M["idle"], timeout=TIMEOUT)
        self.assertGreaterEqual(time.monotonic() - start, 1.5)
        p.expect_exact(PROMPT)
        p.sendline("list")
        self.unlock_at_prompt(p)
        p.expect_exact(PROMPT)
        self.assertEqual([r[0] for r in self.list_lines(p.before)], [eid[:8]])
        self.assertEqual(self.leave(p), (0, None))

    # ---- 7. Ctrl-C ----

    def test_ctrl_c_at_the_passphrase_prompt_restores_echo(self):
        self.make_vault()
        typed = "half-typed-" + secrets.token_hex(6)
        self.secrets.append(typed)
        # sh survives the interrupt (a trap with a command is not inherited)
        # and then shows the terminal's settings.
        p = self.spawn(["-c", 'trap : INT; "$0" list; echo "rc=$?"; stty -a',
                        ARGS.bron], command="/bin/sh")
        p.expect_exact(self.M["passphrase"])
        p.send(typed)
        # Read what the terminal shows now: an interrupt flushes output not
        # yet read, and an echo of these characters must not escape notice.
        p.expect(pexpect.TIMEOUT, timeout=0.3)
        p.sendintr()
        p.expect(r"rc=(\d+)")
        self.assertEqual(p.match.group(1), "130")  # died of SIGINT
        p.expect(pexpect.EOF)
        words = tokens(p.before)
        self.assertIn("echo", words, p.before)
        self.assertNotIn("-echo", words, p.before)
        self.assertIn("icanon", words, p.before)
        p.close()
        self.assertEqual(p.exitstatus, 0)

    def test_ctrl_c_at_the_shell_prompt_drops_the_line(self):
        self.make_vault()
        eid = self.add_entry("Blijft open", "tekst\n")
        p = self.shell()
        p.send("lock")
        p.expect_exact("lock")  # readline has it on the line
        p.sendintr()
        p.expect_exact(PROMPT)
        out = self.run_line(p, "list")
        # "lock" did not run (no message, no passphrase asked), nor did
        # "locklist"
        self.assertNotIn(self.M["locked"], out)
        self.assertNotIn(self.M["passphrase"], out)
        self.assertNotIn(self.M["unknown_cmd"], out)
        self.assertEqual([r[0] for r in self.list_lines(out)], [eid[:8]])
        self.assertEqual(self.leave(p), (0, None))

    def test_ctrl_c_while_writing_an_entry_saves_nothing(self):
        self.make_vault()
        p = self.shell()
        p.sendline("add --title Afgebroken")
        p.expect_exact(self.M["write"])
        p.sendline("een halve gedachte")
        p.expect_exact("een halve gedachte")
        p.sendintr()
        p.expect_exact(PROMPT)
        self.assertNotRegex(p.before, r"\b[0-9a-f]{16}\b")
        self.sync(p)
        out = self.run_line(p, "list")
        self.assertEqual(self.list_lines(out), [])
        self.assertEqual(self.leave(p), (0, None))

    def test_ctrl_c_at_the_passphrase_prompt_in_the_shell_cancels(self):
        # Ctrl-C at the shell's passphrase prompt cancels the command and
        # returns to the prompt with echo on and the vault still locked;
        # nothing typed afterwards is taken (or shown) as the passphrase.
        self.check_echo = False
        self.make_vault()
        eid = self.add_entry("Nog op slot", "tekst\n")
        p = self.shell()
        self.run_line(p, "lock")
        p.sendline("list")
        p.expect_exact(self.M["passphrase"])
        p.sendintr()
        p.expect_exact(PROMPT, timeout=SHORT)
        p.sendline("list")
        self.unlock_at_prompt(p)
        p.expect_exact(PROMPT)
        self.assertEqual([r[0] for r in self.list_lines(p.before)], [eid[:8]])
        self.assertNotIn(self.passphrase, p.logfile_read.getvalue())

    # ---- 8. history ----

    def test_no_history_file_is_written(self):
        self.make_vault()
        eid = self.add_entry("Geschiedenis", "tekst\n")
        before = tree(self.home, self.vault_dir)
        p = self.shell()
        for line in ("list", "search geschiedenis", "show " + eid[:8],
                     f'level {eid[:8]} shareable --why "reden"', "help",
                     "help list"):
            self.run_line(p, line)
        p.sendline("add --title Nieuw")
        p.expect_exact(self.M["write"])
        p.sendline("nieuwe tekst")
        p.sendline(".")
        p.expect_exact(PROMPT)
        self.run_line(p, "lock")
        p.sendline("list")
        self.unlock_at_prompt(p)
        p.expect_exact(PROMPT)
        self.assertEqual(self.leave(p), (0, None))
        after = tree(self.home, self.vault_dir)
        self.assertEqual(after - before, set(), "new files in HOME")
        for name in (".bron_history", ".history", ".inputrc",
                     ".local/state/bron", ".config/bron"):
            self.assertFalse(os.path.exists(os.path.join(self.home, name)),
                             name)
        self.assertEqual(os.listdir(self.runtime), [])

    def test_history_keeps_no_journal_text(self):
        self.make_vault()
        self.add_entry("Iets", "tekst\n")
        p = self.shell()
        word = "Geheimwoord" + secrets.token_hex(3)
        self.run_line(p, "search " + word)
        mark = len(p.logfile_read.getvalue())
        p.send("\x10")  # Ctrl-P: the previous line from the history
        p.expect_exact("search")
        p.send("\r")
        p.expect_exact(self.M["missing"])
        p.expect_exact(PROMPT)
        self.assertNotIn(word, p.logfile_read.getvalue()[mark:])
        self.assertEqual(self.leave(p), (0, None))

    # ---- 9. completion ----

    def test_completion(self):
        self.make_vault()
        a = self.add_entry("Eerste", "een\n")
        b = self.add_entry("Tweede", "twee\n")
        p = self.shell()

        # a command name
        p.send("li\t")
        p.expect_exact("list")
        p.send("\r")
        p.expect_exact(PROMPT)
        self.assertEqual(sorted(r[0] for r in self.list_lines(p.before)),
                         sorted([a[:8], b[:8]]))

        # entry ids: three TABs list them even when the first one inserts a
        # common prefix
        p.send("show \t\t\t")
        self.collect(p, lambda t: {a[:8], b[:8]} <= tokens(t), "both ids")
        p.send("\x15")  # Ctrl-U: drop the line
        self.sync(p)

        # one id from a prefix that only it has
        n = next(i for i in range(1, 9) if a[:i] != b[:i])
        p.send("show " + a[:n] + "\t")
        p.expect_exact(a[:8])
        p.send("\r")
        p.expect_exact("Eerste")
        p.expect_exact(PROMPT)

        # level names, as a value and as a positional argument
        for line in ("add --level ", f"level {b[:8]} "):
            p.send(line + "\t\t")
            self.collect(p, lambda t: set(LEVEL_NAMES) <= tokens(t),
                         "every level name after " + line)
            p.send("\x15")
            self.sync(p)

        # options
        p.send("list --\t\t")
        self.collect(p, lambda t: set(LIST_OPTIONS) <= tokens(t),
                     "every option of list")
        p.send("\x15")
        self.sync(p)
        self.assertEqual(self.leave(p), (0, None))

    # ---- 10. Ctrl-D ----

    # ---- 9. the supervision view ----

    def test_supervision_previews_and_asks_before_writing_a_file(self):
        self.make_vault()
        self.add_entry("Gesprek", "Ik sprak Jan de Vries vandaag. "
                       "[[Dit blijft van mij.]] Daarna naar huis.\n",
                       level="shareable")
        self.bron("names", "add", "Jan de Vries")
        out = os.path.join(self.home, "view.html")
        for answer, status in (("n", 1), (self.M["yes"], 0)):
            p = self.spawn(["supervision", "--format", "html", "--out", out])
            p.expect_exact(self.M["passphrase"])
            p.sendline(self.passphrase)
            p.expect_exact(self.M["write_file"])
            shown = ESCAPES_RE.sub("", p.before)
            # the preview: the label highlighted, the passage cut, a summary
            self.assertRegex(shown, r"(»|\x1b\[7m)" + re.escape(self.M["label"]))
            self.assertIn("Daarna naar huis.", shown)
            self.assertNotIn("Dit blijft van mij", shown)
            self.assertNotIn("Jan de Vries", shown)
            self.assertIn(self.M["shown"], shown)
            self.assertIn(self.M["cut"], shown)
            p.sendline(answer)
            p.expect(pexpect.EOF)
            p.close()
            self.assertEqual(p.exitstatus, status, p.before)
            if status:
                self.assertIn(self.M["nothing_written"], p.before)
                self.assertFalse(os.path.exists(out))
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        with open(out, encoding="utf-8") as f:
            html = f.read()
        self.assertIn(self.M["label"], html)
        self.assertNotIn("Dit blijft van mij", html)

    def test_ctrl_d_ends_an_entry_then_leaves_with_status_0(self):
        self.make_vault()
        p = self.shell()
        p.sendline("add --title Kort")
        p.expect_exact(self.M["write"])
        p.sendline("tot zover")
        p.sendeof()  # ends the text, not the shell
        p.expect(r"\b([0-9a-f]{16})\b")
        eid = p.match.group(1)
        p.expect_exact(PROMPT)
        out = self.run_line(p, "show " + eid[:8])
        self.assertIn("tot zover\r\n", out)
        p.sendeof()
        p.expect(pexpect.EOF)
        p.close()
        self.assertEqual(p.exitstatus, 0)
        self.assertIsNone(p.signalstatus)


    # ---- 11. guided reflection ----

    def add_experience(self, title, *opts):
        out = self.bron("experience", "add", title, *opts)
        m = re.search(r"\b[0-9a-f]{16}\b", out)
        self.assertIsNotNone(m, out)
        return m.group(0)

    def write_story(self, p, x, words):
        """Writes phase 1, skips 2, writes 3, ends, then writes the skipped
        phase when asked; words are the three texts."""
        p.sendline("story " + x)
        p.expect_exact(self.M["phase1"])
        p.sendline(words[0])
        p.sendline(".")
        p.sendline(":skip")
        p.expect_exact(self.M["phase3"])
        p.sendline(words[2])
        p.sendline(".")
        p.sendline(":done")
        p.expect_exact(self.M["skipped"])
        p.sendline(self.M["yes"])
        p.sendline(words[1])
        p.sendline(".")
        p.expect_exact(self.M["story_saved"])
        p.expect_exact(PROMPT)

    def test_story_at_the_terminal(self):
        self.make_vault()
        x = self.add_experience("Scheiding van mijn ouders")
        p = self.shell()
        words = ["Alles viel uit elkaar.", "Ik zocht woorden.",
                 "We bouwden een nieuw ritme."]
        self.write_story(p, x, words)
        out = self.run_line(p, "experience show " + x)
        m = re.search(r"\s([0-9a-f]{8})\r\n", out.split(x, 1)[1])
        self.assertIsNotNone(m, out)
        out = self.run_line(p, "show " + m.group(1))
        want = "\r\n".join([self.M["heading1"], words[0], "",
                             self.M["heading2"], words[1], "",
                             self.M["heading3"], words[2]])
        self.assertIn(want, out)
        self.assertEqual(self.leave(p), (0, None))

    def answer_plan(self, p, x, what, why):
        p.sendline("plan " + x)
        p.expect_exact(self.M["plan_what"])
        p.sendline(what)
        p.expect_exact(self.M["plan_with"])
        p.sendline("cliënt, collega")  # the Dutch words of the prompt work
        p.expect_exact(self.M["plan_why"])
        p.sendline(why)
        p.sendline("misschien")
        p.expect_exact(self.M["yes_or_no"])
        for answer in ("y", "ja", "j", "yes"):
            p.sendline(answer)
        p.expect_exact(self.M["check_last"])
        p.sendline("nee")
        p.expect_exact(self.M["plan_passes"])
        p.expect_exact(PROMPT)

    def test_plan_at_the_terminal_asks_again_after_a_bad_answer(self):
        self.make_vault()
        x = self.add_experience("Burn-out", "--decision", "use")
        p = self.shell()
        self.answer_plan(p, x, "Dat ik thuis zat.", "Herkenning.")
        out = self.run_line(p, "plan --show " + x)
        self.assertIn("Dat ik thuis zat.", out)
        self.assertIn("Herkenning.", out)
        # the whole check was answered (a sixth question would have shown)
        self.assertEqual(out.count(self.M["yes_or_no"]), 0)
        self.assertEqual(self.leave(p), (0, None))
        self.assertIn('"plan": true', self.bron("experience", "list",
                                                  "--json"))

    def answer_disclosed(self, p, x, context, outcome, differently):
        p.sendline("disclosed " + x)
        p.expect_exact(self.M["role_q"])
        p.sendline("collega")
        p.expect_exact(self.M["context_q"])
        p.sendline(context)
        p.expect_exact(self.M["outcome_q"])
        p.sendline(outcome)
        p.expect_exact(self.M["differently_q"])
        p.sendline(differently)
        p.expect(r"\r\n([0-9a-f]{16})\r\n")
        p.expect_exact(PROMPT)

    def test_disclosed_at_the_terminal(self):
        self.make_vault()
        x = self.add_experience("Burn-out", "--decision", "use")
        p = self.shell()
        self.answer_disclosed(p, x, "In de pauze", "Ze herkende het",
                              "Eerder vragen")
        out = self.run_line(p, "disclosed --list " + x)
        for text in ("In de pauze", "Ze herkende het", "Eerder vragen"):
            self.assertIn(text, out)
        self.assertEqual(self.leave(p), (0, None))

    def test_experience_list_prompt_and_overview_in_the_shell(self):
        self.make_vault()
        x = self.add_experience("Verhuizing in groep vijf", "--phase", "2")
        p = self.shell()
        out = self.run_line(p, "experience list")
        self.assertRegex(out, re.escape(x[:8]) + r"  "
                         + re.escape(self.M["undecided"]) + r"\s+2\s+"
                         "Verhuizing in groep vijf")
        self.assertIn(self.M["inventory"], out)
        out = self.run_line(p, "prompt")
        lines = [l for l in out.split("\r\n")[1:] if l.strip()]
        self.assertEqual(len(lines), 1, out)
        out = self.run_line(p, "overview")
        self.assertIn(self.M["picture"], out)
        self.assertIn("Verhuizing in groep vijf", out)
        self.assertEqual(self.leave(p), (0, None))

    def test_experience_entry_structure_and_triggers_in_the_shell(self):
        self.make_vault()
        p = self.shell()
        out = self.run_line(p, 'experience add "Schulden na de studie" '
                            "--kind debt --area work --when 2012")
        m = re.search(r"\b([0-9a-f]{16})\b", out)
        self.assertIsNotNone(m, out)
        x = m.group(1)
        out = self.run_line(p, "experience edit %s --phase 3 --decision use"
                            % x[:6])
        self.assertIn(self.M["exp_saved"] % x, out)
        out = self.run_line(p, "experience list")
        self.assertRegex(out, re.escape(x[:8]) + r"  "
                         + re.escape(self.M["use_it"]) + r"\s+3\s+"
                         "Schulden na de studie")
        p.sendline("add --title Brieven --kind debt --phase 2 --aspect "
                   "identity --helped 'mijn zus' --experience " + x[:6])
        p.expect_exact(self.M["write"])
        p.sendline("De stapel brieven op de mat.")
        p.sendline(".")
        p.expect(r"\b([0-9a-f]{16})\b")
        eid = p.match.group(1)
        p.expect_exact(PROMPT)
        out = self.run_line(p, "list --kind debt --phase 2")
        self.assertIn(eid[:8], out)
        out = self.run_line(p, "show " + eid[:8])
        self.assertIn(x, out)
        self.assertIn("mijn zus", out)  # the author's own words, as typed
        for line in ('triggers add trigger "Bruine enveloppen"',
                     'triggers add signal "Slecht slapen"',
                     'triggers add helps "Een wandeling"'):
            self.assertIn(self.M["triggers_saved"], self.run_line(p, line))
        out = self.run_line(p, "triggers")
        for text in ("1. Bruine enveloppen", "1. Slecht slapen",
                     "1. Een wandeling"):
            self.assertIn(text, out)
        self.run_line(p, "triggers remove signal 1")
        self.assertNotIn("Slecht slapen", self.run_line(p, "triggers"))
        self.assertEqual(self.leave(p), (0, None))

    def test_overview_svg_is_private_and_in_the_language_it_is_written_in(self):
        # The SVG's xml:lang must name the language of its text: bron runs
        # here with LANG only (no LANGUAGE), as most desktops do.
        self.make_vault()
        self.add_experience("Verhuizing in groep vijf", "--phase", "2")
        p = self.shell()
        svg = os.path.join(self.home, "beeld.svg")
        self.run_line(p, "overview --svg " + svg)
        self.assertEqual(os.stat(svg).st_mode & 0o777, 0o600)
        with open(svg, encoding="utf-8") as f:
            picture = f.read()
        self.assertIn("Verhuizing in groep vijf", picture)
        self.assertIn(self.M["picture"], picture)
        self.assertEqual(self.leave(p), (0, None))
        self.assertIn('xml:lang="%s"' % self.LANG[:2], picture)

    def test_completion_of_reflection_words(self):
        self.make_vault()
        x = self.add_experience("Burn-out")
        p = self.shell()
        for line, want in (
                ("experience ", {"add", "list", "show", "edit"}),
                ("add --kind ", {"divorce", "loss", "debt", "close-one",
                                 "scheiding", "verlies", "naaste"}),
                ("add --phase ", {"1", "4", "overwhelmed", "background",
                                  "overweldigd", "achtergrond"}),
                (f"disclosed {x[:8]} --role ", {"client", "colleague", "team",
                                               "supervisor", "intervision",
                                               "collega", "intervisie"})):
            p.send(line + "\t\t")
            self.collect(p, lambda t, w=want: w <= tokens(t),
                         "every word after " + line)
            p.send("\x15")
            self.sync(p)
        self.assertEqual(self.leave(p), (0, None))

    def test_history_keeps_no_story_plan_or_disclosure_text(self):
        self.make_vault()
        x = self.add_experience("Burn-out", "--decision", "use")
        tag = secrets.token_hex(3)
        words = ["Verhaaleen" + tag, "Verhaaltwee" + tag, "Verhaaldrie" + tag]
        plan = ["Planwat" + tag, "Planwaarom" + tag]
        note = ["Situatie" + tag, "Verloop" + tag, "Anders" + tag]
        p = self.shell()
        self.write_story(p, x, words)
        self.answer_plan(p, x, *plan)
        self.answer_disclosed(p, x, *note)
        mark = len(p.logfile_read.getvalue())
        p.send("\x10")  # Ctrl-P: the previous line from the history
        p.expect_exact("disclosed")
        for _ in range(6):
            p.send("\x10")
        p.expect(pexpect.TIMEOUT, timeout=0.5)
        p.send("\x15")
        self.sync(p)
        seen = p.logfile_read.getvalue()[mark:]
        self.assertIn("story", seen)
        for w in words + plan + note:
            self.assertNotIn(w, seen)
        self.assertEqual(self.leave(p), (0, None))


    def test_bundle_for_a_contact_in_the_shell(self):
        # identity, a contact completed after --to, the preview and its
        # question, the bundle opened again; the contact's name is kept
        # out of the history
        self.make_vault()
        self.add_entry("Huisbezoek", "Een gewone middag aan de keukentafel.\n"
                       "[[Dit blijft van mij.]]\n", level="shareable")
        key = os.path.join(self.home, "sup.key")
        subprocess.run(["age-keygen", "-o", key], check=True,
                       capture_output=True)
        pub = subprocess.run(["age-keygen", "-y", key], check=True,
                             capture_output=True,
                             encoding="utf-8").stdout.strip()
        name = "Begeleider" + secrets.token_hex(3)
        p = self.shell()
        out = self.run_line(p, "identity new")
        self.assertRegex(out, r"age1[02-9ac-hj-np-z]{58}")
        self.run_line(p, "contacts add " + name + " " + pub)
        p.send("supervision --to \t\t")
        self.collect(p, lambda t: name in t, "the contact completed")
        p.send("\x15")
        self.sync(p)
        bundle = os.path.join(self.home, "view.age")
        p.sendline("supervision --to " + name + " --out " + bundle)
        p.expect_exact(self.M["encrypt_q"])
        shown = ESCAPES_RE.sub("", p.before)
        self.assertIn("keukentafel", shown)
        self.assertNotIn("Dit blijft van mij", shown)
        p.sendline(self.M["yes"])
        p.expect_exact(self.M["sealed"])
        p.expect_exact(PROMPT)
        self.assertEqual(os.stat(bundle).st_mode & 0o777, 0o600)
        with open(bundle, "rb") as f:
            self.assertNotIn(b"keukentafel", f.read())
        res = subprocess.run(["age", "-d", "-i", key, bundle],
                             capture_output=True, encoding="utf-8")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("keukentafel", res.stdout)
        out = self.run_line(p, "open " + bundle)
        self.assertIn("keukentafel", out)
        self.assertNotIn("Dit blijft van mij", out)
        mark = len(p.logfile_read.getvalue())
        for _ in range(6):
            p.send("\x10")  # Ctrl-P: back through the history
        p.expect(pexpect.TIMEOUT, timeout=0.5)
        p.send("\x15")
        self.sync(p)
        self.assertNotIn(name, p.logfile_read.getvalue()[mark:])
        self.assertEqual(self.leave(p), (0, None))

def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bron", required=True)
    ap.add_argument("--localedir", required=True)
    ap.add_argument("--lang", action="append", choices=LANGS,
                    help="a language to test in; both when not given")
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="run only the tests whose name holds SUBSTRING")
    ARGS = ap.parse_args()
    ARGS.bron = os.path.abspath(ARGS.bron)
    ARGS.localedir = os.path.abspath(ARGS.localedir)
    langs = ARGS.lang or list(LANGS)
    for lang in langs:
        try:
            locale.setlocale(locale.LC_ALL, lang)
        except locale.Error:
            sys.exit(f"test_pty: the locale {lang} is missing (locale-gen)")
    locale.setlocale(locale.LC_ALL, "C")
    if fstype("/dev/shm") not in ("tmpfs", "ramfs"):
        sys.exit("test_pty: /dev/shm is not a tmpfs")
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for lang in langs:
        name = "Pty_" + lang.split(".")[0]
        cls = type(name, (PtyCase,), {"LANG": lang})
        for t in loader.loadTestsFromTestCase(cls):
            if not ARGS.k or any(k in t.id() for k in ARGS.k):
                suite.addTest(t)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
