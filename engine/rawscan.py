"""What a columnar JSON reader cannot tell, read off the raw bytes of a block of JSON Lines, in bulk.

Arrow's JSON reader (``engine.arrowload``) gives a column per field, but not the line a row came from, and it
reads an absent key and an explicit ``null`` alike. The schema tells them apart (an optional field may be absent
but not null; a required nullable field may be null but not absent), so the explicit nulls are counted here per
key name, with numpy over the bytes. Every answer errs on the safe side: when in doubt, the caller hands the block
to the record-by-record checks, which are exact.
"""
from __future__ import annotations

import numpy as np

_QUOTE, _COLON, _SPACE, _BACKSLASH, _BRACE = 34, 58, 32, 92, 123


def lines_are_records(block: bytes) -> int | None:
    """The number of lines when every line starts a record (``{`` first) and line ends are ``\\n`` or ``\\r\\n``;
    None otherwise (blank or indented lines, a bare ``\\r``, which ``bytes.splitlines`` also breaks at)."""
    if not block:
        return 0
    if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
        return None
    # numpy, not bytes.count: it lets go of the interpreter lock, and this runs on the read-ahead thread
    a = np.frombuffer(block, dtype=np.uint8)
    starts = np.flatnonzero(a == 10) + 1
    if len(starts) and starts[-1] == len(a):
        starts = starts[:-1]  # the final line end
    if a[0] != _BRACE or not (a[starts] == _BRACE).all():
        return None
    return len(starts) + 1


def null_positions(block: bytes) -> np.ndarray:
    """Where ``null`` stands in the block (in texts too; ``explicit_nulls`` tells them apart)."""
    return _positions(block, b"null") if b"null" in block else np.zeros(0, dtype=np.int64)


def explicit_nulls(block: bytes, keys: frozenset[str], positions: np.ndarray | None = None) -> dict[str, int] | None:
    """How many times each of ``keys`` has an explicit ``null`` value in the block (at any depth); None when some
    ``null`` cannot be attributed with certainty (odd spacing, escapes in a key name). ``positions``: the block's
    ``null_positions``, when already found (on the read-ahead thread)."""
    counts = {k: 0 for k in keys}
    p = null_positions(block) if positions is None else positions
    if not len(p):
        return counts
    a = np.frombuffer(block, dtype=np.uint8)
    p = p[p >= 4]
    before = a[p - 1]
    compact = (before == _COLON) & (a[p - 2] == _QUOTE)
    spaced = (before == _SPACE) & (a[p - 2] == _COLON) & (a[p - 3] == _QUOTE)
    # a null after any other whitespace or a colon, in another layout, cannot be read here
    other = ~(compact | spaced) & ((before == _COLON) | (before == _SPACE) | (before == 9))
    if other.any():
        # inside a text ("x: null") or a key value in a layout not handled: safe only when no key could be meant
        for q in p[other].tolist():
            if _key_before(block, q) is not False:
                return None
    quote = np.where(compact, p - 2, p - 3)[compact | spaced]  # the closing quote of the key
    if not len(quote):
        return counts
    if (a[quote - 1] == _BACKSLASH).any():  # an escaped quote: part of a text or an odd key; cannot tell
        return None
    matched = np.zeros(len(quote), dtype=bool)
    last = a[quote - 1]
    for key in keys:
        raw = key.encode()
        n = len(raw)
        cand = np.flatnonzero((last == raw[-1]) & (quote - n - 2 >= 0))  # cheap first cut: the key's last byte
        if not len(cand):
            continue
        idx = quote[cand]
        window = a[idx[:, None] - n - 1 + np.arange(n + 1)]  # opening quote + the key's bytes
        hit = (window == np.frombuffer(b'"' + raw, dtype=np.uint8)).all(axis=1) & (a[idx - n - 2] != _BACKSLASH)
        counts[key] = int(hit.sum())
        matched[cand[hit]] = True
    rest = quote[~matched]
    # a key spelt with escapes ("\u0061") might be one of ``keys`` (the one-byte test first: memchr, fast)
    if len(rest) and b"\\" in block and b"\\u" in block:
        width = 64
        rows = a[np.maximum(rest[:, None] - width + np.arange(width), 0)]  # the bytes before each closing quote
        quotes = rows == _QUOTE
        if not quotes.any(axis=1).all():
            return None  # a key longer than the window: cannot tell
        opening = width - 1 - np.argmax(quotes[:, ::-1], axis=1)
        if ((rows == _BACKSLASH) & (np.arange(width) > opening[:, None])).any():
            return None
    return counts


def _positions(block: bytes, word: bytes) -> np.ndarray:
    """Where the 4-byte ``word`` starts in ``block``: four aligned passes of 32-bit compares (fast on text where
    the word's letters are common)."""
    target = np.frombuffer(word, dtype="<u4")[0]
    found = []
    for start in range(4):
        count = (len(block) - start) // 4
        if count > 0:
            words = np.frombuffer(block, dtype="<u4", count=count, offset=start)
            found.append(np.flatnonzero(words == target) * 4 + start)
    return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _key_before(block: bytes, at: int) -> bool | None:
    """False when the ``null`` at ``at`` is surely no key's value; None when it may be."""
    i = at - 1
    while i >= 0 and block[i] in b" \t\r":
        i -= 1
    if i < 0 or block[i] != _COLON:
        return False  # an array item or text: never a key's value
    i -= 1
    while i >= 0 and block[i] in b" \t\r":
        i -= 1
    if i < 0 or block[i] != _QUOTE:
        return False  # "x: null" in a text: a key would end with a quote
    return None
