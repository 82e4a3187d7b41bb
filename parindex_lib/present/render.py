"""Pages from templates: the Jinja2 environment (autoescape on) and the report's table object.

Every piece of HTML the project writes — the page shell, the index, the fragments each report page
shows, its tables — comes from a template in ``parindex_lib/present/templates``; values from the data are
escaped by Jinja2's autoescape, never by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from parindex_lib.config import TEMPLATES_DIR


@cache
def environment() -> Environment:
    """The templates' environment: autoescape for every ``.html.j2`` template, undefined names an error."""
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, keep_trailing_newline=True)


def render(template: str, **context: object) -> str:
    """Render a whole template (``page.html.j2``, ``index.html.j2``…)."""
    return environment().get_template(template).render(**context)


def fragment(macro: str, *args: object, **kwargs: object) -> Markup:
    """Render one macro of ``fragments.html.j2`` (a page's header, a section, the footer…)."""
    return getattr(environment().get_template("fragments.html.j2").module, macro)(*args, **kwargs)


@dataclass(frozen=True)
class Table:
    """A table as leadership reads it: text cells, an optional caption, some cells coloured.

    It displays itself in a notebook (``_repr_html_``) through ``table.html.j2``.

    Examples
    --------
    >>> html = Table(pd.DataFrame({"Đơn vị": ["<b>Xã A</b>"]})).to_html()
    >>> "&lt;b&gt;Xã A&lt;/b&gt;" in html and "<b>" not in html
    True
    """

    frame: pd.DataFrame
    caption: str | None = None
    styles: dict[tuple[int, int], str] = field(default_factory=dict)

    def set_caption(self, caption: str) -> Table:
        """A copy with a caption."""
        return replace(self, caption=caption)

    def colour_column(self, column: str, colours: list[str]) -> Table:
        """A copy whose ``column`` cells have these background colours (white bold text on them)."""
        j = list(self.frame.columns).index(column)
        styles = dict(self.styles)
        for i, colour in enumerate(colours):
            styles[(i, j)] = f"background-color: {colour}; color: white; font-weight: bold"
        return replace(self, styles=styles)

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def to_html(self) -> Markup:
        rows = [[{"text": "" if pd.isna(v) else str(v), "style": self.styles.get((i, j))}
                 for j, v in enumerate(row)] for i, row in enumerate(self.frame.itertuples(index=False))]
        return Markup(render("table.html.j2", caption=self.caption, columns=[str(c) for c in self.frame.columns],
                             rows=rows))

    def _repr_html_(self) -> str:
        return str(self.to_html())
