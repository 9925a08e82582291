"""The audit trail: who logged in, and which kommun and page they opened (never any figure).

One JSON object per line, appended to the file CHEFSKARTAN_AUDIT_LOG names (`serve` sets it to
WAREHOUSE/logs/access.log, outside the published folder); created 0600. Unset: nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from typing import Any

AUDIT_ENV = "CHEFSKARTAN_AUDIT_LOG"
EVENTS = ("login", "refused", "logout", "page", "denied", "rules_error")
_lock = threading.Lock()


def record(event: str, user: str, **fields: Any) -> None:
    """Append one event; fields are names and codes only (page, kommun, role), never figures."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    path = os.environ.get(AUDIT_ENV, "").strip()
    if not path:
        return
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "event": event,
        "user": user,
        **{k: v for k, v in fields.items() if v is not None},
    }
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    with _lock:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
