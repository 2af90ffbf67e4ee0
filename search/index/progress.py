"""Progress of long work (parse, build): a bar on a terminal, one line per stage in logs, or nothing.

On a terminal a bar shows chapters parsed and units indexed, with the rate and the time left.
Without one (a log, CI, a pipe) each stage is one line, written when it is over ("whoosh: 464
units in …: 2 chapters added, …"), so logs stay readable and a failed stage leaves only its error.
`quiet` silences both.
"""
import sys
import time


class Progress:
    """Reports stages, chapters and units of a build or parse."""

    def __init__(self, stream=None, quiet=False, bar=None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar = (not quiet and self.stream.isatty()) if bar is None else bar
        self.started = time.monotonic()
        self.units_done = 0
        self.chapters_done = 0
        self.total = 0

    def _line(self, text):
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def stage(self, text, total=0):
        """A new stage of `total` chapters (announced above the bar on a terminal)."""
        self.total = total
        self.started = time.monotonic()
        self.chapters_done = self.units_done = 0
        if self.bar:
            self._line(text)

    def chapter(self, summary):
        """A chapter is done (parsed and indexed): redraw the bar."""
        self.chapters_done += 1
        if self.bar and self.total:
            self._draw()

    def units(self, n):
        """`n` more units indexed."""
        self.units_done += n

    def _draw(self, width=24):
        elapsed = max(time.monotonic() - self.started, 1e-6)
        frac = self.chapters_done / self.total
        rate = self.units_done / elapsed
        left = elapsed * (1 - frac) / frac if frac else 0
        bar = "#" * int(width * frac)
        self.stream.write(f"\r[{bar:<{width}}] {self.chapters_done}/{self.total} 章  {self.units_done:,} units  "
                          f"{rate:,.0f} units/s  ETA {int(left) // 60}:{int(left) % 60:02d}")
        if self.chapters_done >= self.total:
            self.stream.write("\n")
        self.stream.flush()

    def done(self, summary=None):
        """The stage is over: its one line (on a terminal too, under the bar)."""
        if summary:
            self._line(summary)
