"""Names the docstring examples use: the shipped data, standardised, and Tam Đường's 2023 index."""

import pytest


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    from parindex_lib.model.index import PARIndex
    from parindex_lib.standardise import standardise

    scores = standardise().scores
    doctest_namespace["scores"] = scores
    doctest_namespace["idx"] = PARIndex.from_scores(scores, "Tam Đường", 2023)
