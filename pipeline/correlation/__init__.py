"""Association statistics of the training split: the correlation stage's domain code.

Empty on purpose: the validate stage imports `leakage` alone, so importing the package must not
pull in the report's prose, tables or figures.
"""
