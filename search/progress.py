"""Progress of long work (parse, build): a bar on a terminal, one line per stage in logs, or nothing.

On a terminal tqdm draws chapters parsed and units indexed, with the rate and the time left.
Without one (a log, CI, a pipe) each stage is one line, so logs stay readable. `quiet` silences both.
"""
import sys
import time


class Progress:
    """Reports stages, chapters and units of a build or parse."""

    def __init__(self, stream=None, quiet=False, bar=None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar = (not quiet and self.stream.isatty()) if bar is None else bar
        self._tqdm = None
        self.started = time.monotonic()
        self.units_done = 0
        self.chapters_done = 0
        self.total = 0

    def _line(self, text):
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def stage(self, text, total=0):
        """A new stage of `total` chapters."""
        self.total = total
        self.started = time.monotonic()
        self._line(text)
        if self.bar and total:
            from tqdm import tqdm

            self._tqdm = tqdm(total=total, unit="章", file=self.stream, dynamic_ncols=True,
                              bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} 章 [{elapsed}<{remaining}] {postfix}")

    def chapter(self, summary):
        """A chapter is done (parsed and indexed)."""
        self.chapters_done += 1
        if self._tqdm is not None:
            self._tqdm.update(1)
            rate = self.units_done / max(time.monotonic() - self.started, 1e-6)
            self._tqdm.set_postfix_str(f"{self.units_done:,} units, {rate:,.0f} units/s", refresh=False)

    def units(self, n):
        """`n` more units indexed."""
        self.units_done += n

    def done(self):
        """The stage is over: close the bar."""
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
