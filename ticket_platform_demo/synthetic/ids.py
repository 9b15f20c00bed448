"""Ticket ids: ``TKT-YYYYMMDD-XXXXXXXX``, the suffix a keyed permutation of ``[0, 2**40)``.

The suffix is eight Crockford base-32 characters encoding a bijective 40-bit scramble of
``id_offset + index`` keyed by the seed: distinct indexes never share a suffix within one seed, and
``ticket_index`` inverts ``ticket_suffix``. The generator inlines ``_permute`` in its loop.
"""

from __future__ import annotations

_BITS = 40
_MASK = (1 << _BITS) - 1
_MUL1 = 0x9E3779B97F & _MASK | 1  # odd multipliers are invertible mod 2**40
_MUL2 = 0xC2B2AE3D27 & _MASK | 1
_INV1 = pow(_MUL1, -1, 1 << _BITS)
_INV2 = pow(_MUL2, -1, 1 << _BITS)
_SHIFT1, _SHIFT2 = 21, 17
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(_CROCKFORD)}
MAX_INDEX = _MASK  # id_offset + index must stay below 2**40


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def _seed_key(seed: int) -> int:
    return _splitmix64(seed & 0xFFFFFFFFFFFFFFFF) & _MASK


def _permute(x: int, key: int) -> int:
    x = (x + key) & _MASK
    x = (x * _MUL1) & _MASK
    x ^= x >> _SHIFT1
    x = (x * _MUL2) & _MASK
    x ^= x >> _SHIFT2
    return x


def _unxorshift(y: int, shift: int) -> int:
    x = y
    for _ in range(_BITS // shift + 1):
        x = y ^ (x >> shift)
    return x


def _unpermute(y: int, key: int) -> int:
    y = _unxorshift(y, _SHIFT2)
    y = (y * _INV2) & _MASK
    y = _unxorshift(y, _SHIFT1)
    y = (y * _INV1) & _MASK
    return (y - key) & _MASK


_PAIRS = tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)  # 10 bits -> 2 characters


def _encode(x: int) -> str:
    p = _PAIRS
    return p[x >> 30] + p[(x >> 20) & 1023] + p[(x >> 10) & 1023] + p[x & 1023]


def ticket_suffix(index: int, seed: int) -> str:
    """The 8-character id suffix of global ticket index ``index`` (``id_offset + i``) under ``seed``."""
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"ticket index {index} outside [0, 2**40)")
    return _encode(_permute(index, _seed_key(seed)))


def ticket_index(suffix: str, seed: int) -> int:
    """Inverse of :func:`ticket_suffix`: the ticket index a suffix encodes under ``seed``."""
    if len(suffix) != 8:
        raise ValueError(f"ticket suffix {suffix!r} is not 8 characters")
    y = 0
    for char in suffix:
        y = (y << 5) | _DECODE[char]
    return _unpermute(y, _seed_key(seed))
