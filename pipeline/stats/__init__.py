"""Statistics on the ground floor: the seeded row bootstrap (numba kernels that draw row
multiplicities and accumulate metrics in one pass), jackknife closed forms, percentile and BCa
intervals, and paired tests of two models. It imports nothing from the domain packages
(models, fairness, correlation), which build on it."""
