"""Files written whole or not at all (search.atomic): on the real file system."""
import os
import stat

import pytest

from search.atomic import write_atomically


def test_the_new_file_replaces_the_old_name_and_a_hard_link_keeps_the_old_text(tmp_path):
    old = tmp_path / "old" / "stats.json"
    old.parent.mkdir()
    old.write_text("old", encoding="utf-8")
    new = tmp_path / "stats.json"
    os.link(old, new)  # an incremental build's file: a hard link into the serving version
    write_atomically(new, lambda tmp: tmp.write_text("new", encoding="utf-8"), durable=True)
    assert (new.read_text(encoding="utf-8"), old.read_text(encoding="utf-8")) == ("new", "old")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old", "stats.json"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "vectors.npy"
    path.write_bytes(b"good")

    def half_then_fail(tmp):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, half_then_fail)
    assert (path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())) == (b"good", ["vectors.npy"])


def test_the_file_gets_the_usual_permissions_so_another_user_can_read_it(tmp_path):
    mask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "manifest.json", lambda tmp: tmp.write_text("{}", encoding="utf-8"))
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "manifest.json").stat().st_mode) == 0o644


def test_the_new_file_keeps_the_names_suffix_until_it_is_renamed(tmp_path):
    seen = []
    write_atomically(tmp_path / "table.npy", lambda tmp: seen.append((tmp.parent, tmp.suffix, tmp.name[0])))
    assert seen == [(tmp_path, ".npy", ".")]
