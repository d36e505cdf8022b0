"""A reproducible machine-learning pipeline: one module per DVC stage."""
