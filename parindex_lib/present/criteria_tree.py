"""A criteria tree said in words: what ``parindex criteria`` prints once a tree file is checked.

A province that writes its own tree (YAML, or a spreadsheet with one row per criterion) checks it before naming it
in a scheme: every fault is a located error (see :func:`~parindex_lib.model.criteria.load_criteria`); a valid
tree is described — its areas and the components they map to, their maxima, how many criteria each rule kind
scores, and whether the tree is partial or illustrative (its source is in the JSON form: it is data, in the
language the file wrote it).
"""

from __future__ import annotations

from collections import Counter

from parindex_lib.model.components import adjustments
from parindex_lib.model.criteria import RULE_KINDS, CriteriaTree
from parindex_lib.present.criteria import points_text
from parindex_lib.present.i18n import t


def tree_summary(tree: CriteriaTree) -> dict:
    """The tree's figures as plain data (strict JSON): areas with their component, maximum and scored criteria,
    the count of criteria per rule kind, the total maximum, bonus/penalty caps, and the unpublished criteria.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> summary = tree_summary(load_criteria("illustrative-commune"))
    >>> summary["maximum"], summary["leaves"], summary["adjustments"]
    (100.0, 41, {'BONUS': 2.0, 'PENALTY': 3.0})
    """
    kinds = Counter(leaf.rule.kind for leaf in tree.leaves())
    adjust = set(adjustments())
    return {
        "name": tree.name, "file": tree.file, "title_vi": tree.title_vi, "title_en": tree.title_en,
        "source": tree.source, "level": tree.level, "partial": tree.partial, "illustrative": tree.illustrative,
        "criteria": len(tree), "leaves": len(tree.leaves()), "maximum": tree.maximum,
        "rules": {kind: kinds[kind] for kind in RULE_KINDS if kinds[kind]},
        "areas": [{"code": a.code, "name_vi": a.name_vi, "name_en": a.name_en, "component": a.component,
                   "max_points": a.max_points, "leaves": len(tree.leaves(a.code))} for a in tree.areas],
        "adjustments": {c: m for c, m in tree.maxima(include_adjustments=True).items() if c in adjust},
        "unpublished": [c.code for c in tree.unpublished()],
    }


def describe_tree(tree: CriteriaTree, lang: str = "vi") -> list[str]:
    """The lines ``parindex criteria`` prints for a valid tree, in ``lang``.

    Examples
    --------
    >>> from parindex_lib.model.criteria import load_criteria
    >>> describe_tree(load_criteria("ca-mau-1880-2013"), "en")[0]  # doctest: +ELLIPSIS
    '...ca-mau-1880-2013.yaml: a valid criteria tree — areas: 1, criteria and sub-criteria: 10, scored: 6; ...'
    """
    summary = tree_summary(tree)
    lines = [t("criteria_tree_valid", lang, file=tree.file or tree.name, areas=len(summary["areas"]),
               criteria=summary["criteria"], leaves=summary["leaves"], maximum=points_text(tree.maximum, lang))]
    title = tree.title(lang)
    if title:
        lines.append(title)
    if tree.illustrative:
        lines.append(t("criteria_tree_illustrative", lang))
    if tree.partial:
        lines.append(t("criteria_tree_partial", lang, codes=", ".join(summary["unpublished"]) or "—"))
    for area in summary["areas"]:
        key = "criteria_tree_adjustment" if area["component"] in summary["adjustments"] else "criteria_tree_area"
        name = area["name_en"] if lang == "en" and area["name_en"] else area["name_vi"]
        lines.append(t(key, lang, code=area["code"], name=name, component=area["component"],
                       maximum=points_text(area["max_points"], lang), leaves=area["leaves"]))
    counts = "; ".join(f"{n} {t(f'criteria_rule_{kind}', lang)}" for kind, n in summary["rules"].items())
    lines.append(t("criteria_tree_rules", lang, counts=counts))
    return lines
