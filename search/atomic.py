"""Files written whole or not at all: a new file beside the old name, renamed over it.

Every file the project rewrites goes through `write_atomically`: an index file whose old name may
be a hard link into the serving version (which must not change under a running server), and a
cache in the temp folder that several processes may write side by side (each renames a whole
file). A write that fails leaves no temporary file behind.
"""
import os
import secrets
from pathlib import Path


def write_atomically(path, write, durable=False):
    """Call `write(tmp)` on a new file in `path`'s folder, then rename it to `path`.

    :param write: takes the new file's Path and writes it (the file exists, empty).
    :param durable: flush the file to disk before the rename (what a build swaps in must survive
                    a crash of the machine).
    """
    path = Path(path)
    # A name no other writer picks, made with the usual permissions (umask), unlike mkstemp's 0600:
    # a server running as another user reads what the build wrote.
    tmp = path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}{path.suffix}")
    open(tmp, "xb").close()
    try:
        write(Path(tmp))
        if durable:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
