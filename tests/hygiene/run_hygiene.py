#!/usr/bin/env python3
"""Process hygiene of the bron program, checked from outside while it holds
an unlocked vault, and the terminal after signals at the passphrase prompt.

usage: run_hygiene.py --bron PATH --probe PATH [-k PART]... [-v]

PATH of --probe is ptrace_probe, built from ptrace_probe.c.  Parts (-k WORD
runs only the parts whose name contains WORD):

  process   The shell (`bron` with no command) is started on a pseudo-
            terminal (pexpect) with the core-file limit raised to the hard
            limit ("ulimit -c unlimited") and a scratch directory as its
            working directory, and unlocked.  While it is unlocked:
            - /proc/PID/status says "Umask: 0077" though it was started with
              umask 022 (as the control was);
            - /proc/PID/limits says "Max core file size 0 0": bron lowered
              both limits itself (a control `sleep` started the same way
              shows the raised limit);
            - it is not dumpable: a process of the same user, without
              CAP_SYS_PTRACE, cannot PTRACE_ATTACH to it (EPERM), while it
              can attach to a control started the same way.  As root both
              are started without CAP_SYS_PTRACE in their bounding set (a
              tracer without the capability may only trace processes whose
              capabilities are a subset of its own) and the probe drops it
              too; as another user /proc/PID/status must also belong to root
              (the kernel's sign of a non-dumpable process) while the
              control's belongs to that user;
            - as root: a second user (nobody) cannot attach to it or read
              its /proc/PID/environ (EPERM/EACCES);
            - SIGABRT kills it without a core: the wait status has no core
              flag and no file appears in its working directory, while the
              control dumps core there (when the kernel writes cores to
              files; /proc/sys/kernel/core_pattern and fs/suid_dumpable are
              reported).
  nobody    (root only; skipped otherwise) The same with bron running as the
            unprivileged user nobody on a vault nobody owns: its /proc/PID
            files belong to root, nobody itself cannot attach to it or read
            its environment (it is not dumpable), both core limits are 0,
            SIGABRT leaves no core; a control `sleep` run as nobody is
            attachable, readable and dumps core.
  signals   For SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP (then SIGCONT),
            SIGALRM and SIGUSR1: `bron list` runs on a fresh pseudo-terminal,
            in its own foreground process group under a session leader that
            does job control the way an interactive shell does (so SIGTSTP
            really stops it); once it prompts for the passphrase the
            terminal's ECHO must be off (this proves the check reads the
            terminal bron changed), then the signal is sent; while stopped
            (SIGTSTP) and after bron is gone, ECHO and ICANON must be on
            again and the local modes exactly as before bron started.  A
            control with SIGKILL (which no program can catch) must leave
            ECHO off: the check can fail.

Prints one "ok"/"FAIL"/"skip" line per check and ends with "N passed, M
failed, K skipped"; exit status 1 when a check failed, 77 when every check
was skipped (ctest's SKIP_RETURN_CODE), else 0.
"""
import argparse
import ctypes
import fcntl
import os
import pwd
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time

try:
    import pexpect
except ImportError:
    print("run_hygiene: needs pexpect for this python3 "
          "(Debian: python3-pexpect)")
    sys.exit(77)

PASS = "zeven zoute zeehonden aan de kust"
KDF = ["--kdf-memory", "1", "--kdf-passes", "1", "--force"]
TITLE = "hygiene entry"
TIMEOUT = 30
PR_CAPBSET_DROP = 24
CAP_SYS_PTRACE = 19
SKIP = 77

passed = failed = 0
skipped = []
known_bugs = []
ARGS = None


def check(ok, what, detail=None):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok and detail:
        for line in str(detail).rstrip().splitlines()[:40]:
            print("     " + line, flush=True)
    if ok:
        passed += 1
    else:
        failed += 1
    return ok


def skip(what, why):
    skipped.append(what)
    print("skip %s: %s" % (what, why), flush=True)


def note(msg):
    print("     " + msg, flush=True)


# ------------------------------------------------------------ environment --

def base_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BRON_") and k != "LD_PRELOAD"}
    env.update({"LC_ALL": "C", "LANGUAGE": "", "NO_COLOR": "1", "TZ": "UTC",
                "TERM": "dumb", "HOME": tempfile.gettempdir()})
    # A sanitizer runtime must not be what keeps cores away: let it dump
    # (its own default, disable_coredump=1, would lower the soft limit).
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        old = env.get(var, "")
        env[var] = (old + ":" if old else "") + "disable_coredump=0"
    return env


def nobody():
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return pw.pw_uid, pw.pw_gid


def preexec(user=None, drop_ptrace=False):
    """What runs in the child before exec: the core limit raised as far as
    it goes (ulimit -c unlimited), CAP_SYS_PTRACE dropped from the bounding
    set (root), then the user changed."""
    libc = ctypes.CDLL(None, use_errno=True)

    def fn():
        os.umask(0o022)
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        if drop_ptrace:
            libc.prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE, 0, 0, 0)
        if user:
            os.setgroups([])
            os.setgid(user[1])
            os.setuid(user[0])
    return fn


def core_limits(pid):
    """(soft, hard) of "Max core file size" in /proc/PID/limits, as text."""
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max core file size"):
                parts = line[len("Max core file size"):].split()
                return parts[0], parts[1]
    return None


def proc_umask(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Umask:"):
                return line.split()[1]
    return None


def probe(args, pid):
    """Runs ptrace_probe; returns (exit status, its line)."""
    p = subprocess.run([ARGS.probe] + args + [str(pid)], capture_output=True,
                       text=True, timeout=TIMEOUT)
    return p.returncode, (p.stdout + p.stderr).strip()


def new_files(before, d):
    return sorted(set(os.listdir(d)) - before)


def kernel_core_notes():
    pattern = open("/proc/sys/kernel/core_pattern").read().strip()
    try:
        suid = open("/proc/sys/fs/suid_dumpable").read().strip()
    except OSError:
        suid = "?"
    return pattern, suid


class Control:
    """A `sleep` started like bron (same user, limits and capabilities, in
    its own scratch directory): what a dumpable process looks like."""

    def __init__(self, user=None, drop_ptrace=False):
        self.dir = tempfile.mkdtemp(prefix="bron-hyg-ctl-")
        if user:
            os.chown(self.dir, user[0], user[1])
        self.p = subprocess.Popen(["sleep", "300"], cwd=self.dir,
                                  preexec_fn=preexec(user, drop_ptrace))
        self.pid = self.p.pid
        # wait for the exec, so that /proc shows sleep and not python
        for _ in range(200):
            try:
                if open("/proc/%d/comm" % self.pid).read().strip() == "sleep":
                    break
            except OSError:
                pass
            time.sleep(0.01)

    def abort(self):
        """SIGABRT; returns (core flag of the wait status, new files)."""
        before = set(os.listdir(self.dir))
        os.kill(self.pid, signal.SIGABRT)
        _, status = os.waitpid(self.pid, 0)
        self.p.returncode = -1
        return os.WCOREDUMP(status), new_files(before, self.dir)

    def close(self):
        if self.p.returncode is None:
            self.p.kill()
            self.p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ vaults --

def make_vault(d, user=None):
    """A vault with one entry in directory d (owned by user when given)."""
    vault = os.path.join(d, "journal.bron")
    if user:
        os.chown(d, user[0], user[1])
    for args, stdin in ((["init"] + KDF, ""),
                        (["add", "--title", TITLE], "a line\n")):
        r, w = os.pipe()
        os.write(w, (PASS + "\n").encode())
        os.close(w)
        p = subprocess.run([ARGS.bron, "--vault", vault, "--passphrase-fd",
                            str(r)] + args, input=stdin.encode(),
                           capture_output=True, pass_fds=(r,), cwd=d,
                           env=base_env(), timeout=TIMEOUT,
                           preexec_fn=preexec(user))
        os.close(r)
        if p.returncode != 0:
            raise RuntimeError("bron %s: exit %d: %s" % (
                args[0], p.returncode, p.stderr.decode(errors="replace")))
    return vault


def unlocked_shell(vault, cwd, user=None, drop_ptrace=False):
    """The bron shell on vault, unlocked, with a listing shown."""
    child = pexpect.spawn(ARGS.bron, ["--vault", vault, "--idle-timeout",
                                      "0"], cwd=cwd, env=base_env(),
                          preexec_fn=preexec(user, drop_ptrace),
                          encoding="utf-8", timeout=TIMEOUT)
    child.expect_exact("Passphrase: ")
    child.sendline(PASS)
    child.expect_exact("bron> ")
    child.sendline("list")
    child.expect_exact(TITLE)
    child.expect_exact("bron> ")
    return child


def hygiene_checks(label, vault, user, is_root):
    """The checks of a running, unlocked shell (see the docstring)."""
    cwd = tempfile.mkdtemp(prefix="bron-hyg-cwd-")
    if user:
        os.chown(cwd, user[0], user[1])
    # As root, bron and its control run without CAP_SYS_PTRACE so that a
    # tracer without it is judged on dumpability alone.
    drop = is_root and not user
    child = unlocked_shell(vault, cwd, user, drop)
    ctl = Control(user, drop)
    pid = child.pid
    try:
        check(open("/proc/%d/comm" % pid).read().strip() == "bron",
              "%s: the shell is unlocked (pid %d)" % (label, pid))

        # (b) RLIMIT_CORE
        lim, clim = core_limits(pid), core_limits(ctl.pid)
        if clim == ("0", "0"):
            skip("%s: core limit" % label, "could not raise the core limit "
                 "for the control (hard limit 0 here)")
            check(lim == ("0", "0"), "%s: core limits 0 (soft, hard)" %
                  label, "limits: %s" % (lim,))
        else:
            check(lim == ("0", "0"),
                  "%s: started with core limit %s/%s, bron has 0/0 "
                  "(/proc/PID/limits)" % (label, clim[0], clim[1]),
                  "bron: %s, control: %s" % (lim, clim))

        # umask 077 (also from main.c's harden())
        um, cum = proc_umask(pid), proc_umask(ctl.pid)
        if um is None:
            skip("%s: umask" % label, "/proc/PID/status has no Umask line")
        else:
            check(um == "0077" and cum == "0022",
                  "%s: started with umask %s, bron has %s" %
                  (label, cum, um))

        # (a) not dumpable
        st, cst = os.stat("/proc/%d/status" % pid), \
            os.stat("/proc/%d/status" % ctl.pid)
        runs_as = user[0] if user else os.getuid()
        if runs_as != 0:
            check(st.st_uid == 0 and cst.st_uid == runs_as,
                  "%s: /proc/PID files belong to root, not to uid %d (not "
                  "dumpable); the control's belong to uid %d" %
                  (label, runs_as, cst.st_uid),
                  "bron's: uid %d, control's: uid %d" % (st.st_uid,
                                                         cst.st_uid))
        else:
            skip("%s: /proc/PID owner" % label,
                 "bron runs as root, whose /proc files belong to root anyway")
        if user:
            same = ["--uid", str(user[0]), "--gid", str(user[1])]
            who = "nobody (its own user)"
        elif is_root:
            same = ["--drop-ptrace-cap"]
            who = "root without CAP_SYS_PTRACE"
        else:
            same = []
            who = "its own user"
        rc, out = probe(same + ["attach"], pid)
        crc, cout = probe(same + ["attach"], ctl.pid)
        if crc != 0:
            skip("%s: same-user attach" % label, "cannot attach to the "
                 "control either (%s; Yama ptrace_scope?)" % cout)
        else:
            check(rc == 1 and "EPERM" in out,
                  "%s: %s cannot PTRACE_ATTACH (not dumpable): %s; "
                  "control: %s" % (label, who, out, cout), out)
        if user:
            rc, out = probe(same + ["read"], pid)
            crc, cout = probe(same + ["read"], ctl.pid)
            check(rc == 1 and crc == 0,
                  "%s: %s cannot read /proc/PID/environ: %s; control: %s" %
                  (label, who, out, cout), "%s / %s" % (out, cout))

        # (d) another user
        nb = nobody()
        if is_root and not user and nb:
            other = ["--uid", str(nb[0]), "--gid", str(nb[1])]
            for mode in ("attach", "read"):
                rc, out = probe(other + [mode], pid)
                check(rc == 1 and re.search(r"EPERM|EACCES", out),
                      "%s: another user (nobody) cannot %s: %s" %
                      (label, "PTRACE_ATTACH" if mode == "attach"
                       else "read /proc/PID/environ", out), out)
        elif not is_root:
            skip("%s: another user's attach" % label, "needs root to become "
                 "another user")

        # (c) SIGABRT: no core
        pattern, suid = kernel_core_notes()
        before = set(os.listdir(cwd))
        child.kill(signal.SIGABRT)
        child.expect(pexpect.EOF)
        child.wait()
        status = child.status
        files = new_files(before, cwd)
        ccore, cfiles = ctl.abort()
        check(os.WIFSIGNALED(status) and
              os.WTERMSIG(status) == signal.SIGABRT and
              not os.WCOREDUMP(status) and not files,
              "%s: SIGABRT kills it without a core (wait status %#x, no new "
              "file in its working directory)" % (label, status),
              "core flag %s, new files %s" % (
                  bool(os.WCOREDUMP(status)), files))
        if pattern.startswith("|"):
            note("core_pattern pipes cores to %s; only the wait status's "
                 "core flag tells (fs.suid_dumpable=%s)" % (pattern, suid))
        if ccore or cfiles:
            check(True, "%s: the control dumps core on SIGABRT (core flag %s,"
                  " %s) - the check can fail" % (
                      label, bool(ccore), cfiles or "no file"))
        else:
            skip("%s: core control" % label, "the control did not dump core"
                 " either (core_pattern %r, fs.suid_dumpable=%s)" %
                 (pattern, suid))
    finally:
        if child.isalive():
            child.terminate(force=True)
        ctl.close()
        shutil.rmtree(cwd, ignore_errors=True)


def part_process():
    d = tempfile.mkdtemp(prefix="bron-hyg-")
    try:
        vault = make_vault(d)
        hygiene_checks("process", vault, None, os.geteuid() == 0)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def part_nobody():
    if os.geteuid() != 0:
        skip("nobody", "needs root to run bron as another user")
        return
    nb = nobody()
    if not nb:
        skip("nobody", "there is no user nobody")
        return
    d = tempfile.mkdtemp(prefix="bron-hyg-nobody-")
    os.chmod(d, 0o700)
    try:
        vault = make_vault(d, nb)
        hygiene_checks("nobody", vault, nb, True)
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ----------------------------------------------------------------- signals --

def lflags(fd):
    return termios.tcgetattr(fd)[3]


def describe(lf):
    return "ECHO %s, ICANON %s" % ("on" if lf & termios.ECHO else "off",
                                   "on" if lf & termios.ICANON else "off")


class JobTerminal:
    """A pseudo-terminal whose session leader (a forked copy of this script)
    runs bron in a foreground process group of its own, like an interactive
    shell, and reports bron's pid and every wait status on a pipe.  The test
    keeps the terminal's slave side open, so its termios can be read before,
    during and after bron."""

    def __init__(self, argv, env, cwd):
        self.master, self.slave = os.openpty()
        self.initial = lflags(self.slave)
        r, w = os.pipe()
        self.leader = os.fork()
        if self.leader == 0:
            self._lead(argv, env, cwd, w, r)
        os.close(w)
        self.events = os.fdopen(r, "r")
        self.output = b""
        line = self._event(TIMEOUT)
        self.pid = int(line.split()[1])

    def _lead(self, argv, env, cwd, w, r):
        try:
            os.close(r)
            os.close(self.master)
            os.setsid()
            fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            for s in signal.valid_signals():  # python ignores some
                if s not in (signal.SIGKILL, signal.SIGSTOP):
                    try:
                        signal.signal(s, signal.SIG_DFL)
                    except (OSError, ValueError):
                        pass
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            child = os.fork()
            if child == 0:
                os.setpgid(0, 0)
                os.tcsetpgrp(self.slave, os.getpid())
                signal.signal(signal.SIGTTOU, signal.SIG_DFL)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.closerange(3, 1 << 16)
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            try:
                os.setpgid(child, child)
            except OSError:
                pass
            try:
                os.tcsetpgrp(self.slave, child)
            except OSError:
                pass
            out = os.fdopen(w, "w", buffering=1)
            out.write("pid %d\n" % child)
            while True:
                _, status = os.waitpid(child, os.WUNTRACED | os.WCONTINUED)
                out.write("status %d\n" % status)
                if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                    break
            os._exit(0)
        except BaseException:
            os._exit(99)

    def _event(self, timeout):
        """The next line from the leader, or None after timeout seconds;
        terminal output is collected meanwhile."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.events, self.master], [], [],
                                        left)
            if self.master in ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:
                    pass
            if self.events in ready:
                return self.events.readline()

    def status(self, timeout):
        line = self._event(timeout)
        return int(line.split()[1]) if line else None

    def expect(self, text, timeout):
        end = time.monotonic() + timeout
        while text.encode() not in self.output:
            left = end - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:
                    return False
        return True

    def close(self):
        for pid in (self.pid, self.leader):
            try:
                os.kill(pid, signal.SIGKILL)
            except (OSError, AttributeError):
                pass
        try:
            os.waitpid(self.leader, 0)
        except ChildProcessError:
            pass
        self.events.close()
        os.close(self.master)
        os.close(self.slave)


def status_text(st):
    if st is None:
        return "still running"
    if os.WIFEXITED(st):
        return "exit %d" % os.WEXITSTATUS(st)
    if os.WIFSIGNALED(st):
        return "killed by %s" % signal.Signals(os.WTERMSIG(st)).name
    if os.WIFSTOPPED(st):
        return "stopped by %s" % signal.Signals(os.WSTOPSIG(st)).name
    if os.WIFCONTINUED(st):
        return "continued"
    return "status %#x" % st


def signal_case(vault, cwd, sig, expect_restored=True, known_bug=False):
    """bron list at its passphrase prompt gets sig.  Returns True when the
    terminal was as it should be (for the SIGKILL control: echo left off)."""
    name = sig.name
    env = base_env()
    term = JobTerminal([ARGS.bron, "--vault", vault, "list"], env, cwd)
    problems = []
    story = []
    try:
        if not term.expect("Passphrase: ", TIMEOUT):
            check(False, "%s: bron list prompts for the passphrase" % name,
                  term.output.decode(errors="replace"))
            return False
        during = lflags(term.slave)
        if during & termios.ECHO or not during & termios.ICANON:
            check(False, "%s: ECHO off at the prompt (%s)" %
                  (name, describe(during)))
            return False
        os.kill(term.pid, sig)
        st = term.status(TIMEOUT)
        story.append(status_text(st))
        if sig in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
            if st is None or not os.WIFSTOPPED(st):
                if st is None or not (os.WIFEXITED(st) or
                                      os.WIFSIGNALED(st)):
                    problems.append("did not stop (%s)" % status_text(st))
            else:
                lf = lflags(term.slave)
                story.append("stopped: " + describe(lf))
                if not lf & termios.ECHO or not lf & termios.ICANON:
                    problems.append("while stopped: " + describe(lf))
                os.kill(term.pid, signal.SIGCONT)
                st = term.status(TIMEOUT)  # continued, unless already gone
                if st is not None and os.WIFCONTINUED(st):
                    story.append(status_text(st))
                    st = term.status(3)
                if st is None:
                    # still prompting after fg: the prompt must hide again
                    lf = lflags(term.slave)
                    story.append("prompting again: " + describe(lf))
                    if lf & termios.ECHO:
                        problems.append("after SIGCONT bron reads the "
                                        "passphrase with ECHO on")
                    os.write(term.master, b"\n")  # an empty passphrase
                    st = term.status(TIMEOUT)
                story.append(status_text(st))
        if st is None or not (os.WIFEXITED(st) or os.WIFSIGNALED(st)):
            problems.append("bron did not end (%s)" % status_text(st))
            try:
                os.kill(term.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            term.status(TIMEOUT)
        time.sleep(0.05)
        term.expect("\0", 0.2)  # collect the rest of the output
        after = lflags(term.slave)
        said = " | ".join(l.strip() for l in term.output.decode(
            errors="replace").splitlines() if l.strip())
        story.append("after: " + describe(after))
        restored = bool(after & termios.ECHO and after & termios.ICANON)
        if expect_restored:
            if not restored:
                problems.append("terminal left with " + describe(after))
            elif after != term.initial:
                problems.append("local modes %#o, before bron %#o" %
                                (after, term.initial))
            what = "%s at the passphrase prompt: terminal restored (%s)" % (
                name, "; ".join(story))
            if known_bug:
                if problems:
                    print("KNOWN BUG " + what.replace(
                        "terminal restored", "terminal NOT restored"),
                        flush=True)
                    for line in problems:
                        note(line)
            else:
                check(not problems, what,
                      "\n".join(problems + ["bron said: " + said]))
            if ARGS.verbose:
                note("bron said: " + said)
            return not problems
        check(not restored and after & termios.ECHO == 0,
              "control: %s at the prompt leaves ECHO off, and the check "
              "sees it (%s)" % (name, "; ".join(story)))
        return True
    finally:
        term.close()


PROMPT_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGTSTP",
                  "SIGALRM", "SIGUSR1")
# --all-signals: every signal whose default action ends or stops a process
# and that a program can catch.
ALL_SIGNALS = PROMPT_SIGNALS + (
    "SIGTTIN", "SIGTTOU", "SIGUSR2", "SIGPIPE", "SIGVTALRM", "SIGPROF",
    "SIGXCPU", "SIGXFSZ", "SIGPOLL", "SIGPWR", "SIGSYS", "SIGTRAP",
    "SIGSTKFLT", "SIGRTMIN", "SIGRTMAX")


def part_signals():
    d = tempfile.mkdtemp(prefix="bron-hyg-sig-")
    names = ALL_SIGNALS if ARGS.all_signals else PROMPT_SIGNALS
    known = [s for s in ARGS.known_bad.split(",") if s]
    try:
        vault = make_vault(d)
        signal_case(vault, d, signal.SIGKILL, expect_restored=False)
        for name in names:
            sig = getattr(signal, name, None)
            if sig is None:
                continue
            if name in known:
                ok = signal_case(vault, d, sig, known_bug=True)
                if ok:
                    check(False, "%s is listed as a known bug (--known-bad) "
                          "but the terminal is restored now: take it off the "
                          "list (tests/hygiene/CMakeLists.txt)" % name)
                else:
                    known_bugs.append(name)
                continue
            signal_case(vault, d, sig)
        leftovers = [n for n in os.listdir(d) if n.startswith("core")]
        check(not leftovers, "signals: no core file left (SIGQUIT dumps by "
              "default)", leftovers)
    finally:
        shutil.rmtree(d, ignore_errors=True)


PARTS = [("process", part_process), ("nobody", part_nobody),
         ("signals", part_signals)]


def std_fds_open():
    """Opens /dev/null on any of descriptors 0-2 that is closed (CI may run
    us without standard input), so that no pipe or passphrase file of ours
    becomes descriptor 0 and is mistaken for a child's standard input."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)


def main():
    global ARGS
    std_fds_open()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bron", required=True)
    ap.add_argument("--probe", required=True)
    ap.add_argument("-k", action="append", default=[], metavar="WORD")
    ap.add_argument("--all-signals", action="store_true",
                    help="signals: every catchable signal that ends or "
                         "stops a process, not only the usual seven")
    ap.add_argument("--known-bad", default="", metavar="SIG,...",
                    help="signals: report these as known bugs instead of "
                         "failures (and fail when they are fixed)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ARGS = ap.parse_args()
    ARGS.bron = os.path.abspath(ARGS.bron)
    ARGS.probe = os.path.abspath(ARGS.probe)
    pattern, suid = kernel_core_notes()
    print("hygiene: uid %d, core_pattern %r, fs.suid_dumpable %s, bron %s" %
          (os.geteuid(), pattern, suid, ARGS.bron), flush=True)
    for name, fn in PARTS:
        if ARGS.k and not any(w in name for w in ARGS.k):
            continue
        try:
            fn()
        except (pexpect.ExceptionPexpect, RuntimeError, OSError) as e:
            import traceback
            check(False, "%s: ran to the end" % name,
                  traceback.format_exc())
    print("%d passed, %d failed, %d skipped%s" % (
        passed, failed, len(skipped),
        ", known bugs: " + " ".join(known_bugs) if known_bugs else ""),
        flush=True)
    if failed:
        return 1
    return SKIP if not passed and skipped else 0


if __name__ == "__main__":
    sys.exit(main())
