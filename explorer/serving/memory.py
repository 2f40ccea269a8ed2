"""The server's memory under a lecture hall: few malloc arenas, so that many request threads do not grow it.

glibc gives each thread that allocates while another holds the lock an arena of its own, up to 8 per core, and
gives little of an arena's freed memory back; Gradio runs requests on a pool of up to 40 threads, so a room of
students asking at once grew the app by about 1.5 MB/s (README, Classroom). Two arenas keep it flat (measured:
16 threads translating in 6 rounds, RSS 672 -> 721 MB with glibc's default, 592 -> 640 MB flat from round 2 with
two). Elsewhere than glibc (macOS, musl) nothing is done.
"""
from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap the arenas threads created from now on may use (call before the server starts its threads); True if
    the C library took it."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (AttributeError, OSError, TypeError):  # not glibc
        return False
    return mallopt(M_ARENA_MAX, arenas) == 1
