"""Peer groups: a province's communes (or wards, or departments), or the provinces, seen together.

A peer group is the units of one level at one point (year, period) that the data places together: the same
province and the same ranking block where the data says so (the ``province`` and ``group`` columns of the
tidy table; a unit's province is never guessed). Everything here works on one wide table per group (units ×
components), built once, so a province's 3 321 communes cost a few array operations, not a loop over units:

* :func:`league_table` — total, rank ``x/N`` (ties share the best rank, as published), change since the
  previous year in percentage points, classification band (scheme data, :mod:`parindex_lib.model.bands`);
* :func:`distribution` — mean, median, quartiles of the total and of each component, with the published
  reference (the national average for provinces) where one exists;
* :func:`losses` — the components the group loses most on (points lost summed over units where maxima are
  known, else weighted percentage points), and how many units are below a threshold on each;
* :func:`criteria_losses` — the same, criterion by criterion, for units scored by criteria;
* :func:`below_target`, :func:`movers`;
* :func:`group_lift` — the cheapest changes across units that bring at least N units to the target, or the
  group's mean to a target, under the cost models of :func:`parindex_lib.analyses.lift.lift`.

The group lift is exact. Costs are separable by unit, so the cheapest plan for N units is: each unit's own
cheapest lift (the ``gap`` model solved in closed form by water-filling — every moving component ends with the
same weighted remaining gap, as :func:`~parindex_lib.analyses.lift.lift` finds by root-finding; ``linear`` by
the ratio rule of a one-constraint linear programme; ``actions`` by an integer programme per unit), then the
choice of which units, an integer programme over the units (``scipy.optimize.milp``, HiGHS). For the group's
mean the units share one constraint: ``gap`` by water-filling over every unit's components at once,
``linear`` by the ratio rule, ``actions`` by one integer programme over every unit's actions. No cost is
discretised, so nothing is approximated.
"""

from parindex_lib.analyses.peers.by_criterion import criteria_losses
from parindex_lib.analyses.peers.groups import (
    GroupKey,
    PeerGroup,
    build_group,
    group_keys,
    group_of,
    unit_places,
)
from parindex_lib.analyses.peers.league import (
    below_target,
    competition_rank,
    distribution,
    league_table,
    losses,
    movers,
)
from parindex_lib.analyses.peers.lift import (
    COST_MODELS,
    GOALS,
    UNREACHABLE_MEAN,
    UNREACHABLE_UNITS,
    GroupLiftResult,
    group_lift,
)
from parindex_lib.analyses.peers.solvers import water_fill

__all__ = ["COST_MODELS", "GOALS", "UNREACHABLE_MEAN", "UNREACHABLE_UNITS", "GroupKey", "GroupLiftResult", "PeerGroup",
           "below_target", "build_group", "competition_rank", "criteria_losses", "distribution", "group_keys",
           "group_lift", "group_of", "league_table", "losses", "movers", "unit_places", "water_fill"]
