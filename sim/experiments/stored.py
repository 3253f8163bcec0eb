"""Which replications of a point are stored: one byte and one float per replication.

The runner asks, after every chunk, which replications each point still needs and
whether a point is done. A dict of row dicts per replication answers that but costs
a few hundred bytes a replication (0.3 GB at a million); :class:`StoredReplications`
costs nine (a flag and the Trans-Caspian volume that precision rounds need), so a
study that keeps its rows on disk has flat memory.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator, Mapping


class StoredReplications(Mapping[int, float]):
    """Replication index -> its Trans-Caspian volume (Mt/yr), for the stored ones only."""

    def __init__(self) -> None:
        self._stored = bytearray()  # 1 at k when replication k is stored
        self._value = array("d")  # its Trans-Caspian volume (NaN until stored)
        self._count = 0

    def add(self, replication: int, transcaspian_mt_per_year: float) -> None:
        """Record replication ``replication`` as stored with its volume (Mt/yr)."""
        missing = replication + 1 - len(self._stored)
        if missing > 0:
            self._stored.extend(bytes(missing))
            self._value.extend([math.nan] * missing)
        self._count += not self._stored[replication]
        self._stored[replication] = 1
        self._value[replication] = transcaspian_mt_per_year

    def has_all(self, count: int) -> bool:
        """True when replications 0 .. count-1 are all stored."""
        return self._count >= count and self._stored.count(1, 0, count) == count

    def __contains__(self, replication: object) -> bool:
        return (isinstance(replication, int) and 0 <= replication < len(self._stored)
                and bool(self._stored[replication]))

    def __getitem__(self, replication: int) -> float:
        if replication not in self:
            raise KeyError(replication)
        return self._value[replication]

    def __iter__(self) -> Iterator[int]:
        return (k for k, stored in enumerate(self._stored) if stored)

    def __len__(self) -> int:
        return self._count
