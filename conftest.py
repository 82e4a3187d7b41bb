"""The shipped data, standardised once per session, and the names the docstring examples use (``scores``: that
table; ``idx``: Tam Đường's 2023 index)."""

import pytest

from parindex_lib.model.index import PARIndex
from parindex_lib.standardise import Standardised, standardise


@pytest.fixture(scope="session")
def shipped() -> Standardised:
    """The shipped raw data (``data/raw``), standardised once for the whole session; never modify it."""
    return standardise()


@pytest.fixture(scope="session", autouse=True)
def _doctest_names(doctest_namespace, shipped):
    """The names docstring examples use, set once per session."""
    doctest_namespace["scores"] = shipped.scores
    doctest_namespace["idx"] = PARIndex.from_scores(shipped.scores, "Tam Đường", 2023)
