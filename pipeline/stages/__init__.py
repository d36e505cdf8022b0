"""One entry module per DVC stage, run as `python -m pipeline.stages.<name>`.

Each reads its typed config and input files, calls the domain packages and writes its outputs
atomically. Stages never import each other: they meet only through files.
"""
