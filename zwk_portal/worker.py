"""The task worker that stays: django-tasks-db's worker plus what the mail outbox needs.

`manage.py db_worker` runs it (the portal's command replaces django_tasks_db's of the
same name, so systemd units and `make run` need no other name). Two differences:

- A database outage does not end it: it closes its connections and tries again after
  1, 2, 4 … at most 30 seconds, logging each failure, and carries on when the database
  is back.
- Every WORKER_HOUSEKEEPING_INTERVAL it writes its heartbeat (WorkerHeartbeat, read by
  /health/) and runs zwk_portal.mail.recover(), which takes back mails whose worker
  died while sending them.
"""

import contextlib
import logging
import os
import random
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import mail
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
LONGEST_PAUSE = 30  # seconds between attempts to reach the database


class Worker(db_worker.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.started_at = timezone.now()
        self.housekept_at = None  # time.monotonic() of the last housekeeping

    def run(self) -> None:
        logger.info("Worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - several workers do not start in step
        pause = 1
        while self.running:
            try:
                close_old_connections()
                self.housekeeping()
                task_result = self.claim()
                if task_result is not None:
                    self.run_task(task_result)
                pause = 1
            except DATABASE_DOWN as error:
                logger.warning(
                    "Database not reachable (%s); worker tries again in %d s",
                    str(error).strip().splitlines()[0] if str(error).strip() else type(error),
                    pause,
                )
                self.close_connections()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            if self.batch and task_result is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def claim(self) -> DBTaskResult | None:
        """The next due task, claimed under a lock so that no other worker runs it (as upstream)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None
                raise
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def housekeeping(self) -> None:
        interval = settings.WORKER_HOUSEKEEPING_INTERVAL.total_seconds()
        if self.housekept_at is not None and time.monotonic() - self.housekept_at < interval:
            return
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": now,
            },
        )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
        mail.recover(now=now)
        self.housekept_at = time.monotonic()

    @staticmethod
    def close_connections() -> None:
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(*DATABASE_DOWN):  # the connection is gone anyway
                connection.close()
