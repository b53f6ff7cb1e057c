"""What the pseudo-terminal tests of the bron shell share: running a line,
waiting for a clean prompt, reading output until it holds what a test
expects, and leaving the shell.  A mixin for unittest.TestCase classes
whose self.M holds the messages of the language under test."""
import time

import pexpect

PROMPT = "bron> "
TIMEOUT = 15  # seconds for any one expectation; the tests never wait it out


class ShellIO:
    def run_line(self, p, line):
        """Runs one shell line; returns what came before the next prompt."""
        p.sendline(line)
        p.expect_exact(PROMPT)
        return p.before

    def sync(self, p):
        """Runs a command with a unique answer and waits for the prompt after
        it, so that nothing older is left to match."""
        p.sendline("help quit")
        p.expect_exact(self.M["quit_help"])
        p.expect_exact(PROMPT)

    def collect(self, p, done, what):
        """Reads output until done(text) holds; returns the text."""
        got = ""
        deadline = time.monotonic() + TIMEOUT
        while not done(got):
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(f"never saw {what}; got {got!r}")
            try:
                p.expect(r".+", timeout=left)
                got += p.after
            except pexpect.TIMEOUT:
                pass
        return got

    def leave(self, p):
        """Ends the shell with Ctrl-D; returns its exit and signal status."""
        p.sendeof()
        p.expect(pexpect.EOF)
        p.close()
        return p.exitstatus, p.signalstatus
