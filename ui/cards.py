"""The eight headline cards of 总览 and of the first slide: one definition of which figures
they show and when a figure is good or bad; each page brings its own labels.

On screen a unit sits in the label and details in a hover help; on the projector (no hover)
the unit follows the number in smaller type and the unresolved count is written under it.
"""

from __future__ import annotations

from analytics.data.funds import IndustryRule
from analytics.views.overview import Kpis
from ui import layout


def kpis(k: Kpis, rule: IndustryRule, t: dict[str, str], projector: bool = False) -> list[layout.Card]:
    """Cards for `k` against the industry-share `rule` (its minimum and 力争 line). `t` holds the
    labels households, poor, monitored, eliminated, guarantee, poor_income, funds, industry,
    growth, rule (with {rule} and {target}) and people (户数与人数: the people under each count);
    on screen also monitored_help and guarantee_help, on the projector unresolved and the units
    u_hh, u_yuan, u_wan."""
    def people(n: int) -> str:
        return t["people"].format(n=n)

    def value(number: float | None, unit: str) -> str:
        return layout.with_unit(layout.num(number), t[unit]) if projector else layout.num(number)

    growth = t["growth"].format(growth=layout.pct(k.poor_income_growth)) if k.poor_income_growth is not None else None
    if projector:
        monitored = layout.Card(t["monitored"], value(k.monitored, "u_hh"),
                                t["unresolved"].format(n=k.monitored_unresolved), delta_color="off")
        guarantee = layout.Card(t["guarantee"], value(k.guarantee_problem, "u_hh"), people(k.guarantee_problem_people),
                                delta_color="off")
    else:
        categories = ",".join(f"{c} {n:,}" for c, n in k.monitored_by_category.items())
        monitored = layout.Card(t["monitored"], layout.num(k.monitored), people(k.monitored_people),
                                help=t["monitored_help"].format(unresolved=k.monitored_unresolved,
                                                                people=k.monitored_unresolved_people,
                                                                categories=categories), delta_color="off")
        guarantee = layout.Card(t["guarantee"], layout.num(k.guarantee_problem), people(k.guarantee_problem_people),
                                help=t["guarantee_help"], delta_color="off")
    return [
        layout.Card(t["households"], value(k.households, "u_hh"), people(k.people), delta_color="off"),
        layout.Card(t["poor"], value(k.poor_households, "u_hh"), people(k.poor_people), delta_color="off"),
        monitored,
        layout.Card(t["eliminated"], layout.pct(k.eliminated_rate)),
        guarantee,
        layout.Card(t["poor_income"], value(k.poor_income, "u_yuan"), growth),
        layout.Card(t["funds"], value(k.funds_wan, "u_wan")),
        layout.Card(t["industry"], layout.pct(k.industry_share),
                    t["rule"].format(rule=layout.pct(rule.minimum, 0), target=layout.pct(rule.target, 0)),
                    delta_color="normal" if (k.industry_share or 0) >= rule.minimum else "inverse",
                    help=rule.describe()),
    ]
