"""Pillars: a Discord bot for studying the mathematics behind machine learning."""

import os

# numpy's OpenBLAS starts a thread for each core when numpy loads, to share out matrix products the bot never
# asks for (every numpy call here works element by element along a column). Starting them took a third of
# `import numpy` (0.18 → 0.12 s on two cores) and, while another process kept the second core busy, 40–60 ms of
# a 0.4 s command line. Set before anything imports numpy; an operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
