"""MLflow tracking: one run per pipeline execution. The only package that imports MLflow.

`config` says where the run goes, `contents` reads what it logs from the project (`params`,
`provenance`, `artifacts`, `datasets`), `run` opens it in the store (`store`) and logs the model
(`model`).
"""
