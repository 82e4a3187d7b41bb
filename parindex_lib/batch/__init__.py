"""The batch: plan a run, prepare its tables, execute each unit's pages on warm kernels (local processes or
Dask), publish them. :func:`parindex_lib.batch.run.run_batch` is the whole sequence; each step has a module
of its own (nothing is imported here: a worker process loads only what it runs).
"""
