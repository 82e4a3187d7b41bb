"""The batch: plan a run, execute each unit's pages on warm kernels (local processes or Dask), publish them."""
