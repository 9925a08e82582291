"""What the user reads when a command fails for a reason outside the input: never a traceback."""

from __future__ import annotations

import errno
import os

DEBUG_ENV = "CHEFSKARTAN_DEBUG"  # set to 1 to get the traceback instead


class RefreshFailed(Exception):
    """The refresh stopped; nothing was published. The message is the readable report."""


def describe_failure(exc: BaseException) -> str:
    """A Swedish sentence for an unexpected failure (full disk, permissions, a broken store)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disken är full; frigör utrymme och kör igen (inget publicerades)"
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"saknar behörighet att skriva {exc.filename or 'en fil'}"
    if isinstance(exc, OSError):
        return f"en fil kunde inte läsas eller skrivas ({errno.errorcode.get(exc.errno or 0, 'OSError')})"
    text = str(exc)
    if "No space left" in text or "disk is full" in text.lower():
        return "disken är full; frigör utrymme och kör igen (inget publicerades)"
    return (
        f"oväntat fel ({type(exc).__name__}); inget publicerades. "
        f"Kör med {DEBUG_ENV}=1 för detaljer."
    )


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV) == "1"
