"""One masking rule for every value or header from a file that reaches a report, log or table.

A value that failed its column's rules is shown only through `mask`: short, printable, and never
anything shaped like a personnummer or a secret. Used by Issue (report text and quarantine rows)
and by the report's list of ignored columns.
"""

from __future__ import annotations

import re
import unicodedata

HIDDEN = "(dolt)"
MAX_SHOWN_CHARS = 40
# Ten or twelve digits with an optional separator: a personnummer whether or not it is valid.
_PNR_LIKE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}\s*[-+]?\s*\d{4}(?!\d)")
# Long unbroken runs of letters and digits (keys, tokens, hashes, base64), or PEM markers.
_SECRET_LIKE = re.compile(r"[A-Za-z0-9+/=_\-]{20,}")
_HEX = re.compile(r"[0-9a-fA-F]{16,}")
_SECRET_MARKER = re.compile(r"-----BEGIN|(?i:password|passwd|secret|token|api[_-]?key)\s*[:=]")


def is_sensitive(text: str) -> bool:
    """Shaped like a personnummer, a key or a password, whatever the column said."""
    if _PNR_LIKE.search(text) or _HEX.search(text) or _SECRET_MARKER.search(text):
        return True
    for match in _SECRET_LIKE.finditer(text):
        run = match.group(0)
        has_digit = any(c.isdigit() for c in run)
        inner_capitals = sum(c.isupper() for c in run[1:])
        if has_digit or inner_capitals >= 2 or not run[0].isalnum():  # not a plain long word
            return True
    return False


def mask(value: object) -> str | None:
    """The value as it may be shown: control characters dropped, shortened, sensitive hidden."""
    if value is None:
        return None
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(value)[:1000]
    ).strip()
    if is_sensitive(text):
        return HIDDEN
    if len(text) > MAX_SHOWN_CHARS:
        return text[: MAX_SHOWN_CHARS - 1] + "…"
    return text
