"""Explaining a fitted model: permutation importance with intervals, partial dependence, and what
drives a disparity between groups."""
