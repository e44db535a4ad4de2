"""The pages of the app, in menu order, grouped in sections. Add a page here, once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    section: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "总览", ":material/dashboard:", "总览", default=True),
    PageSpec("pages/guarantees.py", "三保障动态清零", ":material/home_health:", "巩固成果"),
    PageSpec("pages/relocation.py", "易地搬迁后扶", ":material/apartment:", "巩固成果"),
)
