"""numpy's BLAS kept to one thread in every process that runs Dateline.

Dateline's numpy work is small (a language's scores over 7,480 features, a ranker's weights over a
few dozen candidates); OpenBLAS splits even these over every core, and its extra threads then spin
waiting for more work. Measured on two cores: reading saved web pages used twice the CPU it needed
(35 ms of CPU for 17 ms of wall time a page), and a two-process parse lost about an eighth of its
speed to the spinning threads of the process reading the input. spaCy's own matrix work goes
through blis, which this does not touch.
"""

from __future__ import annotations

import numpy  # noqa: F401 (loads OpenBLAS, so that its threads can be limited)
from threadpoolctl import threadpool_limits

BLAS_THREADS = 1
"""Threads numpy's BLAS may use in a Dateline process (parse workers are separate processes)."""


def limit_blas_threads() -> None:
    """Keep numpy's BLAS to ``BLAS_THREADS`` in this process (and in processes forked from it)."""
    threadpool_limits(limits=BLAS_THREADS, user_api="blas")
