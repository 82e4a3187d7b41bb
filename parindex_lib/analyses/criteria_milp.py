"""The integer programme of the criterion-level lift: efforts, ceilings, and the cheapest set of criterion changes.

* one binary variable per leaf × allowed level better than its current one (above it; below it for a penalty
  criterion, whose points are taken off), at most one level per leaf; a ``free`` leaf (any value in
  0–maximum) is one continuous variable;
* the total is the scheme's (:class:`~parindex_lib.analyses.criteria.Totalling`), a parent whose points are capped
  at its maximum modelled exactly (its points are the smaller of its children's sum and its cap);
* the effort of a change is its number of steps times the effort of one step (:class:`StepCosts`); ceilings
  limit a criterion to a highest level, or hold it where it is this year.

Solved by ``scipy.optimize.milp`` (HiGHS) with no optimality gap;
:func:`~parindex_lib.analyses.criteria_lift.criteria_lift` builds the answer from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize

from parindex_lib.analyses.criteria import Totalling, UnitCriteria, leaf_kind
from parindex_lib.errors import MethodError, Reason, because
from parindex_lib.model.criteria import EPS, CriteriaTree, Criterion
from parindex_lib.vn import fold

#: Among plans of equal effort, the one lifting the total most: a preference worth this share of the smallest
#: effort of one step (far below any difference of effort a costs file can mean).
TIE_BREAK = 1e-5
#: The total a plan reaches is above the required one by at least this much inside the solver (its feasibility
#: tolerance is 1e-7), and is then recomputed exactly.
MARGIN = 1e-6


# -- efforts and ceilings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepCosts:
    """The effort of one step up of each criterion: 1 unless a costs file says otherwise.

    ``by_code`` gives it per criterion code (a leaf, or a criterion or area whose leaves it applies to: the
    nearest one above a leaf wins), ``by_lead`` per lead office (names compared without diacritics or case);
    a code wins over a lead office, a lead office over ``default``.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> tree = load_criteria("illustrative-commune")
    >>> costs = StepCosts({"1": 2.0, "1.1.2": 5.0}, {"Phòng Kinh tế": 3.0})
    >>> costs.per_step(tree, "1.1.2", None), costs.per_step(tree, "1.2", None)
    (5.0, 2.0)
    >>> costs.per_step(tree, "6.1", "Phòng Kinh tế"), costs.per_step(tree, "6.1", "Phòng Nội vụ")
    (3.0, 1.0)
    """

    by_code: Mapping[str, float] = field(default_factory=dict)
    by_lead: Mapping[str, float] = field(default_factory=dict)
    default: float = 1.0

    def per_step(self, tree: CriteriaTree, code: str, lead: str | None) -> float:
        """The effort of one step of leaf ``code`` led by ``lead``."""
        for node in reversed(tree.path(code)):
            if node.code in self.by_code:
                return float(self.by_code[node.code])
        if lead:
            folded = {fold(k): v for k, v in self.by_lead.items()}
            if fold(lead) in folded:
                return float(folded[fold(lead)])
        return float(self.default)

    def check(self, tree: CriteriaTree) -> None:
        """Refuse codes the tree does not have and efforts that are not positive, naming each.

        Raises
        ------
        MethodError
            Listing every fault.
        """
        faults = [because("an_effort_not_a_criterion", 'an effort is given for "{code}", which is not a criterion '
                          'of "{criteria}"', code=c, criteria=tree.name) for c in self.by_code if c not in tree]
        faults += [because("an_effort_not_positive", 'the effort of "{code}" is {effort:g} (expected a positive '
                           "number)", code=k, effort=float(v))
                   for k, v in (*self.by_code.items(), *self.by_lead.items(), ("default", self.default))
                   if not (np.isfinite(v) and v > 0)]
        if faults:
            raise MethodError(reason=_faults(faults))


#: A ceiling: the best points a criterion can reach this year (for a penalty criterion, the fewest points
#: taken off it can get down to), or ``None``: it cannot move this year.
Ceilings = Mapping[str, float | None]


def _ceiling_of(tree: CriteriaTree, ceilings: Ceilings, code: str) -> tuple[bool, float | None]:
    """(given, value) of the nearest ceiling at or above a leaf."""
    for node in reversed(tree.path(code)):
        if node.code in ceilings:
            return True, ceilings[node.code]
    return False, None


def check_ceilings(tree: CriteriaTree, ceilings: Ceilings) -> None:
    faults = []
    for code, value in ceilings.items():
        if code not in tree:
            faults.append(because("an_ceiling_not_a_criterion", 'a ceiling is given for "{code}", which is not a '
                                  'criterion of "{criteria}"', code=code, criteria=tree.name))
        elif value is not None and not tree.is_leaf(code):
            faults.append(because("an_ceiling_of_parent", 'the ceiling of "{code}" is {ceiling:g} points, but '
                                  '"{code}" has sub-criteria (expected a number on a criterion scored by a rule, or '
                                  '"unreachable" for a whole area)', code=code, ceiling=float(value)))
        elif value is not None and not (0 <= value <= tree[code].max_points + EPS):
            faults.append(because("an_ceiling_out_of_range", 'the ceiling of "{code}" is {ceiling:g} (expected '
                                  "points in 0–{maximum:g})", code=code, ceiling=float(value),
                                  maximum=float(tree[code].max_points)))
    if faults:
        raise MethodError(reason=_faults(faults))


def _faults(faults: list[Reason]) -> Reason:
    """Several faults of an analyst's file in one cause, said one after another."""
    return because("an_faults", "{faults}", faults="; ".join(map(str, faults)), left=faults)



# -- the programme -----------------------------------------------------------------------------------------


@dataclass
class Leaf:
    """A leaf's ways to improve: discrete levels (points, steps) better than the current one, or a free range."""

    node: Criterion
    sign: int  # +1: more points lift the total; -1 (penalty): fewer points do
    current: float
    best: float  # the best points the ceilings allow
    options: list[tuple[float, float]]  # (points, steps) of each level better than the current one
    free: bool
    cost: float  # effort of one step (a free leaf: of one point)
    lead: str | None


def leaf_options(uc: UnitCriteria, costs: StepCosts, ceilings: Ceilings) -> tuple[list[Leaf], list[str]]:
    tree = uc.tree
    out, limited = [], []
    points, leads = uc.leaves["points"].to_dict(), uc.leaves["lead_units"].to_dict()
    for node in tree.leaves():
        current = float(points[node.code])
        lead = leads[node.code]
        lead = lead if isinstance(lead, str) and lead else None
        sign = -1 if leaf_kind(node) == "penalty" else 1
        given, ceiling = _ceiling_of(tree, ceilings, node.code)
        if given and ceiling is None:
            best = current  # unreachable this year
        elif sign > 0:
            best = node.max_points if ceiling is None else max(current, float(ceiling))
        else:
            best = 0.0 if ceiling is None else min(current, float(ceiling))
        levels = node.rule.levels(node.max_points)
        options: list[tuple[float, float]] = []
        if levels is not None:
            at = min(range(len(levels)), key=lambda i: abs(levels[i] - current))
            better = [(v, abs(j - at)) for j, v in enumerate(levels) if sign * (v - current) > EPS
                      and sign * (best - v) >= -EPS]
            options = sorted(better, key=lambda o: o[1])
            best = max((v for v, _ in options), default=current) if sign > 0 else \
                min((v for v, _ in options), default=current)
        if given and abs(best - (node.max_points if sign > 0 else 0.0)) > EPS:
            limited.append(node.code)
        out.append(Leaf(node, sign, current, best, options, levels is None,
                         costs.per_step(tree, node.code, lead), lead))
    return out, limited


class _Programme:
    """Variables, constraints and the total as a linear expression over them."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.gain: list[float] = []  # effect on the total, for the tie-break
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, lower, upper)

    def add(self, cost: float, lower: float, upper: float, integer: bool) -> int:
        self.cost.append(cost)
        self.gain.append(0.0)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(int(integer))
        return len(self.cost) - 1

    def constrain(self, coefs: dict[int, float], lower: float, upper: float) -> None:
        self.rows.append((coefs, lower, upper))

    def matrix(self) -> np.ndarray:
        a = np.zeros((len(self.rows), len(self.cost)))
        for i, (coefs, _, _) in enumerate(self.rows):
            for j, v in coefs.items():
                a[i, j] += v
        return a


def _expression(tree: CriteriaTree, node: Criterion, prog: _Programme, leaf_vars: dict, sign: int
                ) -> tuple[float, dict[int, float]]:
    """A node's points as constant + Σ coefficient × variable (a capped parent through a variable of its own)."""
    if node.rule is not None:
        const, terms = leaf_vars[node.code]
        return const, dict(terms)
    const, terms = 0.0, {}
    for kid in tree.children(node.code):
        c, t = _expression(tree, kid, prog, leaf_vars, sign)
        const += c
        for j, v in t.items():
            terms[j] = terms.get(j, 0.0) + v
    if not node.capped:
        return const, terms
    cap = node.max_points
    v = prog.add(0.0, 0.0, cap, False)
    if sign > 0:  # v ≤ Σ children and v ≤ cap: the total pushes v up to the smaller of the two
        prog.constrain({v: 1.0, **{j: -c for j, c in terms.items()}}, -np.inf, const)
    else:  # a capped penalty: v ≥ min(Σ, cap), by a binary choosing which one binds
        big = sum(leaf.max_points for leaf in tree.leaves(node.code)) + cap
        b = prog.add(0.0, 0.0, 1.0, True)
        prog.constrain({v: 1.0, b: big, **{j: -c for j, c in terms.items()}}, const, np.inf)
        prog.constrain({v: 1.0, b: -cap}, 0.0, np.inf)
    return 0.0, {v: 1.0}


def solve(uc: UnitCriteria, totalling: Totalling, leaves: list[Leaf], required: float, before: float,
           reach: float) -> dict[str, float]:
    """The new points of the leaves that move, in the cheapest plan whose total reaches ``required``."""
    tree = uc.tree
    prog = _Programme()
    leaf_vars: dict[str, tuple[float, dict[int, float]]] = {}
    choice_of: dict[int, tuple[str, float]] = {}
    free_of: dict[int, Leaf] = {}
    smallest = min((lf.cost for lf in leaves), default=1.0)
    for lf in leaves:
        terms: dict[int, float] = {}
        if lf.free and abs(lf.best - lf.current) > EPS:
            j = prog.add(lf.cost / smallest, 0.0, abs(lf.best - lf.current), False)
            terms[j] = float(lf.sign)
            free_of[j] = lf
        picks = []
        for points, steps in lf.options:
            j = prog.add(lf.cost * steps / smallest, 0.0, 1.0, True)
            terms[j] = points - lf.current
            choice_of[j] = (lf.node.code, points)
            picks.append(j)
        if len(picks) > 1:
            prog.constrain(dict.fromkeys(picks, 1.0), -np.inf, 1.0)
        leaf_vars[lf.node.code] = (lf.current, terms)
    goal: dict[int, float] = {}
    const = totalling.fixed_adjustment + sum(totalling.weights[c] * v for c, v in totalling.held.items())
    for area in tree.areas:
        coef = totalling.coefficient(area.component)
        c, terms = _expression(tree, area, prog, leaf_vars, -1 if coef < 0 else 1)
        const += coef * c
        for j, v in terms.items():
            goal[j] = goal.get(j, 0.0) + coef * v
    prog.constrain(goal, min(required + MARGIN, reach) - const, np.inf)
    scale = max(reach - before, 1e-9)
    cost = np.array(prog.cost) - TIE_BREAK * np.array([goal.get(j, 0.0) for j in range(len(prog.cost))]) / scale
    res = optimize.milp(cost, integrality=np.array(prog.integer),
                        bounds=optimize.Bounds(np.array(prog.lower), np.array(prog.upper)),
                        constraints=[optimize.LinearConstraint(prog.matrix(), [r[1] for r in prog.rows],
                                                               [r[2] for r in prog.rows])],
                        options={"mip_rel_gap": 0.0})
    if res.status != 0 or res.x is None:
        raise MethodError(reason=because("an_criteria_milp_failed", "the integer programme of the criteria failed: "
                                         "{error}", error=res.message))
    moved: dict[str, float] = {}
    for j, (code, points) in choice_of.items():
        if res.x[j] > 0.5:
            moved[code] = points
    for j, lf in free_of.items():
        if res.x[j] > 1e-9:
            moved[lf.node.code] = lf.current + lf.sign * float(res.x[j])
    return moved
