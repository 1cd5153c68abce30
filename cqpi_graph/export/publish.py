"""Publish a folder atomically: write the new content beside it, then swap the two.

`cqpi export --all` writes a dozen files and their SHA256SUMS. Written in place, a killed run
left old and new dumps mixed under a SHA256SUMS that matched neither. Here the run writes into a
fresh staging folder next to the target (same file system), and the staging folder and the
target trade places in one `renameat2(RENAME_EXCHANGE)` call (Linux): a reader of the target sees
the whole old set or the whole new set, never a mix. Where the exchange is not available, two
renames leave the target missing for an instant, never mixed.

A killed run leaves its staging folder behind, named `.NAME.new-PID-…`: the next run removes
the leftovers of processes that no longer run (and the `.part` files of the former in-place
writer).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:new|old)-(?P<pid>\d+)-\d+$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what killed runs left: their staging folders and `.part` files. Returns them."""
    removed = []
    parent = target.parent
    if parent.is_dir():
        for p in parent.iterdir():
            m = _LEFTOVER.match(p.name)
            if m and m.group("name") == target.name and not _alive(int(m.group("pid"))):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    if target.is_dir():
        for p in target.glob(".*.part"):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where it is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _carry_over(old: Path, new: Path, ours: Callable[[str], bool]) -> None:
    """Files of the target that the run does not write (a README a publisher put there) move
    along: hard-linked into the staging folder (copied across devices)."""
    if not old.is_dir():
        return
    for p in old.iterdir():
        if ours(p.name) or p.name.endswith(".part") or (new / p.name).exists():
            continue
        if p.is_dir():
            shutil.copytree(p, new / p.name, symlinks=True)
            continue
        try:
            os.link(p, new / p.name, follow_symlinks=False)
        except OSError:
            shutil.copy2(p, new / p.name, follow_symlinks=False)


@contextlib.contextmanager
def staged(target: Path | str, ours: Callable[[str], bool]) -> Iterator[Path]:
    """A fresh folder to write the new content into; it replaces `target` when the block ends
    without error (else it is removed). `ours(name)`: the file names the writer owns; the other
    files of the target are kept."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    stamp = f"{time.time_ns()}"
    staging = target.parent / f".{target.name}.new-{os.getpid()}-{stamp}"
    staging.mkdir()
    try:
        yield staging
        _carry_over(target, staging, ours)
        _fsync_dir(staging)
        if not target.exists():
            os.rename(staging, target)
        elif _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # now the old content
        else:
            old = target.parent / f".{target.name}.old-{os.getpid()}-{stamp}"
            os.rename(target, old)
            os.rename(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


__all__ = ["clean_leftovers", "staged"]
