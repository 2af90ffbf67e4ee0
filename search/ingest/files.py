"""Chapter files -> text: bytes, encodings, chapter keys and the paths we show."""
import re
from pathlib import Path

from ..errors import CorpusError

ENCODINGS = ("utf-8-sig", "gb18030")


def read_bytes(path):
    """A chapter file's bytes. :raises CorpusError: missing, a folder, or unreadable."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CorpusError(path, "no such file") from None
    except IsADirectoryError:
        raise CorpusError(path, "is a directory, not a chapter file") from None
    except OSError as exc:
        raise CorpusError(path, f"cannot read: {exc.strerror}") from None


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
        return data.decode(ENCODINGS[0]), []
    except UnicodeDecodeError as exc:
        first_error = exc
    if first_error.reason == "unexpected end of data":
        # A file cut off inside a character (a truncated copy): keep everything before it.
        warning = f"{display_path(path)}: the file ends inside a character; its last bytes were dropped"
        return data[: first_error.start].decode(ENCODINGS[0]), [warning]
    try:
        return data.decode(ENCODINGS[1]), []
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
