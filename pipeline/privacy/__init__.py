"""Privacy risks of the data and of the model: how identifiable the people in the training rows
are from a few facts an outsider may know about them (k-anonymity, unique rows, l-diversity,
t-closeness), and how much the fitted model reveals about which rows it was trained on. Pure
domain code: frames and arrays in, typed results with `to_json()` out, every random choice seeded.
"""
