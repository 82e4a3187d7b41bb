"""parindex: an analysis workbench for Vietnam's PAR INDEX (Chỉ số cải cách hành chính).

Read raw score tables, standardise them to one validated tidy table, hold the methodology
(components, schemes) as data, and answer three questions: trends, weighting and lift.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("parindex")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+local"

from parindex_lib.errors import InputError, ParindexError, Problem  # noqa: E402
from parindex_lib.model.index import PARIndex  # noqa: E402

__all__ = ["InputError", "PARIndex", "ParindexError", "Problem", "__version__"]
