"""Keeping the server's long-lived data out of Python's cyclic garbage collector.

Streamlit runs a full collection after every script run (`runner.postScriptGC`). With the
geodata, the catalogue, their indexes and the rendered maps in memory, that collection cost
about 100 ms of CPU per rerun (measured on the Carte: 1.95 s over 20 filter changes), paid by
every visitor on every filter change and holding the interpreter while the run's messages go
out. Here what survived a full collection is moved to the collector's permanent generation
(`gc.freeze`): later collections walk only what the runs create. When much new data has since
reached the oldest generation (a page's first cache fill, a new catalogue after a validated
contribution), everything is thawed, collected once (so cycles among objects frozen earlier are
reclaimed too) and frozen again. Reference counting frees frozen objects as usual.
"""

from __future__ import annotations

import gc
import threading

REFREEZE_ABOVE = 20_000  # objects in the oldest generation, outside the frozen ones
_lock = threading.Lock()


def _oldest_generation_size() -> int:
    return len(gc.get_objects(generation=2))


def freeze_long_lived(threshold: int = REFREEZE_ABOVE) -> bool:
    """Freeze the long-lived objects when more than `threshold` have reached the oldest generation
    since the last freeze (thaw, collect, freeze); True when it did. Cheap otherwise: it counts
    the unfrozen oldest generation only."""
    if _oldest_generation_size() <= threshold:
        return False
    with _lock:  # sessions run in threads: one of them refreezes
        if _oldest_generation_size() <= threshold:
            return False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    return True
