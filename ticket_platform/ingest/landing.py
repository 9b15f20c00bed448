"""The landing zone: where ticket files arrive, behind one small interface.

Two implementations: ``LocalLanding`` (a folder, the embedded default; here) and ``S3Landing``
(a bucket and prefix through a boto3 client; ``s3_landing.py``). Keys are always relative to the
landing root and use ``/``, so ``tickets/2025/08/08/ticket_TKT-1.json`` means the same thing in
both.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol


# Not frozen: a listing builds one per file, and a frozen dataclass's __init__ costs four times
# as much (100,000 files: 0.1 s of the loading process). Nothing changes one after the listing.
@dataclass(slots=True, unsafe_hash=True)
class LandingObject:
    key: str
    etag: str  # S3 ETag, or a size+mtime+ctime fingerprint for local files
    size: int
    last_modified: datetime
    # Why the object cannot be read as a file (a link, a FIFO, an undecodable name): it is
    # quarantined with this reason instead of being opened.
    problem: str | None = None


class RejectedFile(Exception):
    """The file itself is unacceptable (too large, not a regular file, a link): quarantined and
    recorded in the ledger, unlike a read error (permission, network), which is retried.
    ``listed`` is the file as it stood, when the reader had to look it up (``read_listed``)."""

    def __init__(self, reason: str, listed: LandingObject | None = None):
        super().__init__(reason)
        self.listed = listed


LINK_NOT_FOLLOWED = (
    "symbolic link: not followed (a link could lead outside the landing zone); "
    "copy the file into the landing zone instead"
)


def _local_object(key: str, st: os.stat_result) -> LandingObject:
    """A listed local file. ``st`` is the entry's own ``lstat``: links are never followed.

    The etag includes the inode change time, which no copy tool can preserve (``cp -p`` and
    ``rsync -t`` keep size and mtime), so a rewritten file always gets a new etag; the loader
    then compares content hashes to tell a real change from a touch.
    """
    printable, problem = _printable_key(key)
    if problem is None:
        problem = _file_type_problem(st.st_mode)
    return LandingObject(
        key=printable,
        etag=f"{st.st_size:x}-{st.st_mtime_ns:x}-{st.st_ctime_ns:x}",
        size=st.st_size,
        last_modified=datetime.fromtimestamp(st.st_mtime, UTC),
        problem=problem,
    )


def _printable_key(key: str) -> tuple[str, str | None]:
    """The key as valid text. A name with bytes that are not UTF-8 (carried by Python as lone
    surrogates) is shown with those bytes escaped, and cannot be opened by that key."""
    if key.isascii():  # nearly every key: no encoding to check
        return key, None
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(key).decode("utf-8", errors="backslashreplace")
        return shown, "file name is not valid UTF-8: rename the file to load it"
    return key, None


def _file_type_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return LINK_NOT_FOLLOWED
    kind = (
        "FIFO"
        if stat.S_ISFIFO(mode)
        else "socket"
        if stat.S_ISSOCK(mode)
        else "device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "special file"
    )
    return f"not a regular file ({kind}): skipped"


class Landing(Protocol):
    uri: str

    def list(self, prefix: str) -> Iterator[LandingObject]:
        """Every object whose key starts with ``prefix``, in no guaranteed order."""
        ...

    def list_folders(self, prefix: str) -> tuple[list[str], list[LandingObject]]:
        """One level below ``prefix`` (which ends with ``/``): sub-folder names and files."""
        ...

    def read(self, key: str, max_bytes: int | None = None) -> bytes:
        """The object's bytes; raises ``RejectedFile`` when it holds more than ``max_bytes``
        (without reading them all) or is not a readable regular file."""
        ...

    def write(self, key: str, body: bytes) -> None: ...


class LocalLanding:
    """A folder on disk laid out like the S3 bucket.

    Symbolic links are never followed, neither to files nor to folders: a link could lead
    outside the landing zone (and a stored quarantine excerpt would then leak what it points
    to). A linked file is listed with its problem and quarantined; a linked folder is listed as
    such by ``list_folders`` and its contents are not read. Other non-regular files (FIFOs,
    sockets, devices) are listed with their problem and never opened.
    """

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).expanduser().resolve()
        self._root = str(self.root)
        self._root_slash = os.path.join(self._root, "")  # keys are joined to it per file
        self._made_dirs: set[str] = set()
        self._real_dirs: set[str] = {self._root}
        self.uri = self._root

    def _path(self, key: str) -> str:
        # A plain string check, not Path.resolve(): this runs once per file on the hot path.
        parts = key.split("/")
        if key.startswith("/") or "\\" in key or ".." in parts or "\0" in key:
            raise ValueError(f"key {key!r} escapes the landing root {self.root}")
        return self._root_slash + key

    def _through_link(self, folder: str) -> bool:
        """True when a component of ``folder`` below the root is a symbolic link."""
        if folder in self._real_dirs:
            return False
        if os.path.realpath(folder) != folder:
            return True
        if os.path.isdir(folder):
            self._real_dirs.add(folder)
        return False

    def _is_real_dir(self, folder: str) -> bool:
        return not self._through_link(folder) and os.path.isdir(folder)

    def list(self, prefix: str) -> Iterator[LandingObject]:
        for key, entry in self._walk(prefix):
            listed = self._entry_object(key, entry)
            if listed is not None:
                yield listed

    def list_keys(self, prefix: str) -> Iterator[str | LandingObject]:
        """``list`` without a ``stat`` per file: the key of each entry whose directory entry says
        it is a regular file (its size and etag come with its read, ``read_listed``), and any
        other entry (a link, a FIFO, an undecodable name) as ``list`` gives it, with its problem.
        A load of many new files saves a system call per file in the listing process."""
        for key, entry in self._walk(prefix):
            if key.isascii() and entry.is_file(follow_symlinks=False):
                yield key
                continue
            listed = self._entry_object(key, entry)
            if listed is not None:
                yield listed

    def _walk(self, prefix: str) -> Iterator[tuple[str, os.DirEntry]]:
        """(key, entry) of every file below ``prefix`` (in no guaranteed order), not through links."""
        # A prefix may end inside a name ("tickets/2025/08/0"); walk from its folder part.
        base = self._path(prefix.rsplit("/", 1)[0]) if "/" in prefix else self._root
        if not self._is_real_dir(base):
            return
        root_len = len(self._root) + 1
        folders = [base]
        while folders:
            for entry in self._entries(folders.pop()):
                key = entry.path[root_len:].replace(os.sep, "/")
                if entry.is_dir(follow_symlinks=False):
                    if key.startswith(prefix) or prefix.startswith(f"{key}/"):
                        folders.append(entry.path)
                    continue
                if key.startswith(prefix):
                    yield key, entry

    def stat(self, key: str) -> LandingObject:
        """The file at ``key`` as ``list`` gives it (raises ``FileNotFoundError`` if it is gone)."""
        return _local_object(key, os.lstat(self._path(key)))

    @staticmethod
    def _entries(folder: str) -> list[os.DirEntry]:
        """A folder's visible entries, sorted by name; a folder that vanished has none."""
        try:
            with os.scandir(folder) as entries:
                visible = [e for e in entries if not e.name.startswith(".")]
        except (FileNotFoundError, NotADirectoryError):
            return []
        # Reversed, so popping folders off the walk's stack visits them in name order.
        return sorted(visible, key=lambda e: e.name, reverse=True)

    @staticmethod
    def _entry_object(key: str, entry: os.DirEntry) -> LandingObject | None:
        try:
            return _local_object(key, entry.stat(follow_symlinks=False))
        except FileNotFoundError:
            return None  # removed between the listing and the stat

    def list_folders(self, prefix: str) -> tuple[list[str], list[LandingObject]]:
        base = self._path(prefix.rstrip("/")) if prefix.strip("/") else self._root
        if not self._is_real_dir(base):
            return [], []
        folders, files = [], []
        for entry in self._entries(base):
            if entry.is_dir(follow_symlinks=False):
                name, problem = _printable_key(entry.name)
                if problem is None:
                    folders.append(name)
                    continue
            listed = self._entry_object(f"{prefix}{entry.name}", entry)
            if listed is not None:
                files.append(listed)
        return sorted(folders), sorted(files, key=lambda o: o.key)

    def read(self, key: str, max_bytes: int | None = None) -> bytes:
        return self._read(key, max_bytes)[1]

    def read_listed(self, key: str, max_bytes: int | None = None) -> tuple[LandingObject, bytes]:
        """A file ``list_keys`` gave by its key: the file as ``list`` would give it, taken from
        the descriptor the bytes are read from, and its bytes. A ``RejectedFile`` carries the
        file's listing (its etag goes in the ledger); a file gone since raises ``OSError``."""
        try:
            return self._read(key, max_bytes)
        except RejectedFile as error:
            if error.listed is None:
                error.listed = self.stat(key)
            raise
        except OSError:
            listed = self.stat(key)  # a socket cannot be opened: say what it is
            if listed.problem:
                raise RejectedFile(listed.problem, listed) from None
            raise

    def _read(self, key: str, max_bytes: int | None) -> tuple[LandingObject, bytes]:
        path = self._path(key)
        folder = path[: path.rfind(os.sep)]
        if self._through_link(folder):
            raise RejectedFile(f"a folder on the path of {key} is a symbolic link: not followed")
        # O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: opening a FIFO cannot hang.
        try:
            fd = os.open(path, _READ_FLAGS)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise RejectedFile(LINK_NOT_FOLLOWED) from error
            raise
        try:
            st = os.fstat(fd)
            listed = _local_object(key, st)
            if listed.problem:
                raise RejectedFile(listed.problem, listed)
            return listed, _read_fd(fd, st.st_size, max_bytes, listed)
        finally:
            os.close(fd)

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def write(self, key: str, body: bytes) -> None:
        path = self._path(key)
        folder, name = os.path.split(path)
        if folder not in self._made_dirs:
            os.makedirs(folder, exist_ok=True)
            self._made_dirs.add(folder)
        tmp = os.path.join(folder, f".{name}.tmp")
        with open(tmp, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)  # readers never see a half-written file


_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _read_fd(fd: int, size: int, max_bytes: int | None, listed: LandingObject) -> bytes:
    """A regular file's bytes, read straight from its descriptor (no buffered file object: one
    ``read`` call for a file that did not change since ``fstat``), never past ``max_bytes``."""
    if max_bytes is not None and size > max_bytes:
        raise too_large(size, max_bytes, listed)
    limit = max_bytes + 1 if max_bytes is not None else None
    data = os.read(fd, size + 1)
    if len(data) == size:
        return data
    while limit is None or len(data) < limit:  # it grew or shrank since fstat: read to the end
        more = os.read(fd, 1 << 20 if limit is None else min(1 << 20, limit - len(data)))
        if not more:
            break
        data += more
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(len(data), max_bytes, listed)
    return data


def too_large(size: int, max_bytes: int, listed: LandingObject | None = None) -> RejectedFile:
    return RejectedFile(f"file too large: {size:,} bytes (limit {max_bytes:,}); not read", listed)
