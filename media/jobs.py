"""Image workers: make each acknowledged photo's derivatives from the ``photo_jobs`` outbox.

An upload writes its photo row and its job in one transaction (``enqueue``), so a photo acknowledged to a
device always has its derivatives coming. Any number of workers, on any machines, take jobs with
``claim``: the oldest available job is selected ``FOR UPDATE SKIP LOCKED`` (two workers never wait for or
take the same row) and leased — its ``available_at`` moves to the end of the lease and a fresh ``lease``
token is written. A worker that dies mid-job leaves it leased; when the lease runs out another worker takes
it up again. Only the holder of the current token can ``finish`` a job, and what a job writes is a pure
function of the photo's bytes, so even a job done twice (a worker that outlived its lease) stores the same
blobs under the same keys: nothing is lost and nothing differs.

A job that fails because of the file itself (a truncated JPEG that passed the header check) is marked
failed at once; one that fails otherwise (storage unreachable) is retried after a back-off until
``job_max_attempts``. The clock is injected (``now``) so leases can be tested without waiting.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from domain.models import Photo, PhotoJob, utcnow

from .errors import MediaError
from .images import Processed, inspect, render
from .settings import MediaSettings
from .storage import Storage, photo_key

Clock = Callable[[], datetime]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def enqueue(session: Session, sha256: str, now: datetime | None = None) -> None:
    """Queue the derivatives of a photo whose row is being written in this transaction."""
    now = now or utcnow()
    session.add(
        PhotoJob(sha256=sha256, state="queued", attempts=0, available_at=now, worker="", error="", created_at=now)
    )


@dataclass
class Claim:
    id: int
    sha256: str
    lease: str
    attempts: int


def claim(session: Session, settings: MediaSettings, now: datetime, worker: str = "") -> Claim | None:
    """Take the oldest available job and lease it; commits. None when there is nothing to do."""
    while True:
        row = session.execute(
            select(PhotoJob.id, PhotoJob.sha256, PhotoJob.attempts)
            .where(PhotoJob.state.in_(("queued", "running")), PhotoJob.available_at <= now)
            .order_by(PhotoJob.available_at, PhotoJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            session.rollback()
            return None
        job_id, sha256, attempts = row
        if attempts >= settings.job_max_attempts:
            _give_up(session, job_id, sha256, "too many attempts", now)
            continue
        token = secrets.token_hex(16)
        # Conditional as well as locked: on SQLite (no row locks) the WHERE is what keeps two workers apart.
        taken = session.execute(
            update(PhotoJob)
            .where(PhotoJob.id == job_id, PhotoJob.available_at <= now, PhotoJob.attempts == attempts)
            .values(
                state="running",
                attempts=attempts + 1,
                available_at=now + settings.job_lease,
                lease=token,
                worker=worker[:120],
            )
        )
        session.commit()
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return Claim(job_id, sha256, token, attempts + 1)


def _give_up(session: Session, job_id: int, sha256: str, error: str, now: datetime) -> None:
    session.execute(update(PhotoJob).where(PhotoJob.id == job_id).values(state="failed", error=error[:500]))
    session.execute(update(Photo).where(Photo.sha256 == sha256).values(derivatives="failed", derivatives_at=now))
    session.commit()


def make(storage: Storage, settings: MediaSettings, sha256: str) -> Processed:
    """Make and store the derivatives of a stored photo (idempotent: same bytes, same keys)."""
    fd, path = tempfile.mkstemp(prefix="derive-", dir=settings.tmp_dir)
    os.close(fd)
    try:
        storage.download(photo_key(sha256), path)
        done = render(path, settings, inspect(path, settings))
    finally:
        os.unlink(path)
    storage.put_bytes(photo_key(sha256, "thumb"), done.thumb, done.derivative_mime)
    if done.display is not None:
        storage.put_bytes(photo_key(sha256, "display"), done.display, done.derivative_mime)
    storage.put_bytes(photo_key(sha256, "clean"), done.clean, done.clean_mime)
    return done


def finish(session: Session, job: Claim, done: Processed, now: datetime) -> bool:
    """Record the derivatives as ready if this claim still holds the job; commits. False if it lost it."""
    gone = session.execute(delete(PhotoJob).where(PhotoJob.id == job.id, PhotoJob.lease == job.lease))
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()  # another worker took the job over after our lease ran out; it records it
        return False
    session.execute(
        update(Photo)
        .where(Photo.sha256 == job.sha256)
        .values(
            derivatives="ready",
            derivatives_at=now,
            display_is_clean=done.display is None,
            clean_mime=done.clean_mime,
        )
    )
    session.commit()
    return True


def _retry_later(session: Session, job: Claim, error: str, now: datetime, settings: MediaSettings) -> None:
    backoff = timedelta(seconds=min(300, 5 * 2**job.attempts))
    session.execute(
        update(PhotoJob)
        .where(PhotoJob.id == job.id, PhotoJob.lease == job.lease)
        .values(state="queued", available_at=now + backoff, error=error[:500], lease=None)
    )
    session.commit()


def work_one(
    session: Session, storage: Storage, settings: MediaSettings, clock: Clock = utcnow, worker: str = ""
) -> str | None:
    """Claim one job and do it. Returns the photo's hash, or None if there was nothing to do."""
    job = claim(session, settings, clock(), worker or worker_name())
    if job is None:
        return None
    try:
        done = make(storage, settings, job.sha256)
    except MediaError as exc:  # the file itself is at fault: no retry will help
        _give_up(session, job.id, job.sha256, exc.message, clock())
        return job.sha256
    except Exception as exc:
        session.rollback()
        _retry_later(session, job, f"{type(exc).__name__}: {exc}", clock(), settings)
        raise
    finish(session, job, done, clock())
    return job.sha256


def run(
    sessions: Callable[[], Session],
    storage: Storage,
    settings: MediaSettings,
    *,
    once: bool = False,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> int:
    """Work until ``stop`` is set (``once``: until no job is left). Returns the jobs done.

    A job that raises is logged and left to its back-off; the loop goes on with the next one."""
    stop = stop or threading.Event()
    done = 0
    name = worker_name()
    with sessions() as session:
        while not stop.is_set():
            try:
                sha = work_one(session, storage, settings, worker=name)
            except Exception as exc:  # storage or database trouble: the job is retried later
                session.rollback()
                log(f"photo job failed, will retry: {type(exc).__name__}: {exc}")
                stop.wait(poll)
                continue
            if sha is None:
                if once:
                    break
                stop.wait(poll)
                continue
            done += 1
            log(f"derivatives made for {sha}")
    return done
