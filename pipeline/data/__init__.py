"""The data: loaders for every dataset, the checks on the raw table, column roles and the split."""
