"""Imported first in the face pool's forkserver, before numpy or dlib load: one BLAS thread per
worker process (the pool itself gives the parallelism; oversubscribed BLAS threads only slow
down on 2 cores). Kept out of engine.py so the web process's own numpy is left alone."""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
