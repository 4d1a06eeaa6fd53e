"""One writer at a time for a case index, across processes and hosts.

An embedded folder is locked with an OS file lock (`filelock`: released by the kernel when
the holder dies, even by SIGKILL). A Chroma server is locked with a lease kept in the server
itself: a collection named `<collection>.lock`, created only if absent (the server refuses a
second one with the same name), renewed by the holder while it writes and removed after.
A lease whose holder stopped renewing it expires and is taken over.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dih_ai.config import current
from dih_ai.errors import CaseIndexError

LOCK_FILE = ".dih-ai-index.lock"
LEASE_TTL_S = 60.0  # a lease not renewed for this long is taken over (clocks must agree)


class LockTimeout(CaseIndexError):
    """Another process holds the index lock for longer than we were willing to wait."""


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def folder_lock(folder: Path, timeout_s: float) -> Iterator[None]:
    """Hold the inter-process lock of an embedded index folder (wait up to `timeout_s`)."""
    from filelock import FileLock, Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_FILE))
    try:
        lock.acquire(timeout=timeout_s)
    except Timeout:
        raise LockTimeout(
            f"{folder}: another process is writing the case index "
            f"(waited {timeout_s:g} s for {folder / LOCK_FILE})"
        ) from None
    try:
        yield
    finally:
        lock.release()


class ServerLease:
    """A lease on a collection of a Chroma server, kept in the server (see the module doc)."""

    def __init__(self, client: Any, collection: str, ttl_s: float | None = None) -> None:
        self.client = client
        self.name = f"{collection}.lock"
        if not ttl_s:
            ttl_s = current().index_lease_s
        self.ttl_s = ttl_s if ttl_s is not None else LEASE_TTL_S
        self.owner = _owner()
        self.lost = False  # set if the lease was taken from us while we held it
        self._held: Any = None
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _meta(self) -> dict[str, Any]:
        return {"owner": self.owner, "expires": time.time() + self.ttl_s}

    def _try_take(self) -> bool:
        try:
            self._held = self.client.create_collection(self.name, metadata=self._meta())
            return True
        except Exception as exc:
            if "already exists" not in str(exc):
                raise
        try:
            current = self.client.get_collection(self.name)
        except Exception:
            return False  # released in between: try again
        if float((current.metadata or {}).get("expires", 0)) < time.time():
            # its holder stopped renewing it: move that very lease (by id) out of the way;
            # creating a fresh one stays the only way to win, so two takers cannot both win
            with contextlib.suppress(Exception):
                reaped = f"{self.name}-expired-{uuid.uuid4().hex[:12]}"
                current.modify(name=reaped)
                self.client.delete_collection(reaped)
        return False

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl_s / 4):
            try:
                mine = self.client.get_collection(self.name)
                if mine.id != self._held.id:
                    self.lost = True
                    return
                mine.modify(metadata=self._meta())
            except Exception as exc:
                if "does not exist" in str(exc):
                    self.lost = True
                    return
                # a network error: try again at the next tick; the lease has time left

    def still_held(self) -> bool:
        """Ask the server now whether the lease is still ours (before publishing)."""
        try:
            mine = self.client.get_collection(self.name)
        except Exception as exc:
            if "does not exist" in str(exc):
                self.lost = True
            return not self.lost  # a network error: trust the renewals so far
        if mine.id != self._held.id:
            self.lost = True
        return not self.lost

    @contextlib.contextmanager
    def hold(
        self,
        timeout_s: float,
        retry: Callable[[Callable[[], bool], str], bool] = lambda action, _: action(),
    ) -> Iterator[ServerLease]:
        """Hold the lease (wait up to `timeout_s`), renewing it in the background.
        `retry(action, what)` runs each attempt (to ride out network errors)."""
        deadline = time.monotonic() + timeout_s
        pause = 0.05
        while not retry(self._try_take, "take the index lease"):
            if time.monotonic() >= deadline:
                holder = ""
                with contextlib.suppress(Exception):
                    holder = str(self.client.get_collection(self.name).metadata.get("owner"))
                raise LockTimeout(
                    f"another process ({holder or 'unknown'}) is writing the case index "
                    f"on the server (waited {timeout_s:g} s for its lease '{self.name}')"
                )
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew, daemon=True)
        self._renewer.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._renewer.join()
            with contextlib.suppress(Exception):
                mine = self.client.get_collection(self.name)
                if mine.id == self._held.id:
                    self.client.delete_collection(self.name)
