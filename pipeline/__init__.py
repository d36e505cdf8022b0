"""A reproducible machine-learning pipeline: one module per DVC stage."""

import os

# numpy chooses its SIMD loops by CPU. On AVX-512 machines (x86-64-v4 and later) its float64 exp
# and log, among others, take paths whose last bits differ from those every other x86-64 CPU
# takes, and a value at a rounding boundary is then written differently (seen: a q-value's tenth
# digit in correlation.json). Outputs must be the same bytes on any machine, so those paths stay
# off unless the caller set the variable itself (check-repro does, to simulate other machines).
# It acts only before numpy's first import: `python -m pipeline.stages.<name>` runs this first.
# On a machine without these features numpy ignores the names (an ImportWarning, hidden).
os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "X86_V4 AVX512_ICL AVX512_SPR")
