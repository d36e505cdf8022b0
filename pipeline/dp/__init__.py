"""Differentially private training: a synthetic training table released by OpenDP's MST
synthesizer at each configured epsilon, the model fitted on it, audited on the real test split."""
