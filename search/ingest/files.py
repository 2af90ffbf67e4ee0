"""Chapter files -> text: bytes, encodings, chapter keys and the paths we show."""
import os
import re
import stat
from pathlib import Path

from ..config import MAX_CHAPTER_BYTES
from ..errors import CorpusError

ENCODINGS = ("utf-8-sig", "gb18030")


_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket"}


def read_bytes(path):
    """A chapter file's bytes. :raises CorpusError: missing, a folder, not a regular file (a FIFO, which
    would block for ever; a device such as /dev/zero, which never ends), over MAX_CHAPTER_BYTES, or
    unreadable."""
    try:
        mode = os.stat(path).st_mode  # follows symlinks: a link to /dev/zero is a device
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise CorpusError(path, f"is {kind}, not a chapter file")
        with open(path, "rb") as f:
            data = f.read(MAX_CHAPTER_BYTES + 1)
    except FileNotFoundError:
        raise CorpusError(path, "no such file") from None
    except IsADirectoryError:
        raise CorpusError(path, "is a directory, not a chapter file") from None
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_CHAPTER_BYTES:
        raise CorpusError(path, f"larger than {MAX_CHAPTER_BYTES // 2 ** 20} MiB: not a chapter file")
    return data


def _ending(path, text):
    """A warning when the text does not end with a line break: a copy cut off between two characters
    (a cut inside one is caught by the decoder) almost never ends at one."""
    if text.rstrip(" \t\u3000").endswith(("\n", "\r")):
        return []
    return [f"{display_path(path)}: the file does not end with a line break: it may be cut off; it was read up "
            "to where it stops"]


def read_chapter_text(path):
    """Read a text chapter file; UTF-8, or GB18030/GBK when it is not UTF-8 (PDFs: search.ingest.pdf).

    :returns: (text, warnings)
    :raises CorpusError: missing, empty, binary or undecodable file.
    """
    path = Path(path)
    data = read_bytes(path)
    if not data.strip():
        raise CorpusError(path, "empty file")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise CorpusError(path, "binary data (NUL byte), not a text file", line)
    try:
        text = data.decode(ENCODINGS[0])
        return text, _ending(path, text)
    except UnicodeDecodeError as exc:
        first_error = exc
    if first_error.reason == "unexpected end of data":
        # A file cut off inside a character (a truncated copy): keep everything before it.
        warning = f"{display_path(path)}: the file ends inside a character; its last bytes were dropped"
        return data[: first_error.start].decode(ENCODINGS[0]), [warning]
    try:
        text = data.decode(ENCODINGS[1])
        return text, _ending(path, text)
    except UnicodeDecodeError:
        line = data[: first_error.start].count(b"\n") + 1
        raise CorpusError(path, "not valid UTF-8 or GB18030 text", line) from None


def chapter_key(path):
    """The chapter's key in ids: the file's stem, limited to word characters and '-'."""
    return re.sub(r"[^\w-]", "_", Path(path).stem)


def display_path(path):
    """The path as we show it: relative to the current directory when it is under it, else as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)
