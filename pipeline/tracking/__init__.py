"""MLflow tracking: one run per pipeline execution. The only package that imports MLflow.

`config` says where the run goes, `contents` reads what it logs from the project (`params`,
`provenance`, `artifacts`, `datasets`), `run` opens it in the store (`store`, which keeps the
artifacts inside a copied or moved project with `relocate`) and logs the model (`model`), with
MLflow's notices that are not the user's business silenced (`quiet`).
"""
