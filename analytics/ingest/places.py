"""Villages named instead of coded: 乡(镇) + 行政村 names matched to 12-digit village codes.

Exports from the national monitoring system give the place by name. A pair of names is looked
up exactly first, then after normalising: full-width characters to half-width, spaces removed,
and the suffixes 村/社区/居委会 (villages) and 镇/乡/街道 (townships) dropped, so "石门村" matches
"石门" and "城关镇" matches "城关". A name that matches no village, or more than one, is never
guessed: the caller reports it with the closest candidates.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "居委会", "社区", "村委会", "村")
TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")


def _plain(name: object) -> str:
    text = "" if name is None or name is pd.NA or name != name else str(name)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _stem(name: object, suffixes: tuple[str, ...]) -> str:
    text = _plain(name)
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Match:
    code: str | None
    problem: str = ""  # Chinese, when no single village matches


class Places:
    """The county's villages by name; `villages` has village_code, village_name, township_code
    and `townships` township_code, township_name."""

    def __init__(self, villages: pd.DataFrame, townships: pd.DataFrame) -> None:
        town_names = dict(zip(townships["township_code"], townships["township_name"]))
        self.rows = pd.DataFrame({
            "code": villages["village_code"].to_numpy(),
            "village": villages["village_name"].map(_plain).to_numpy(),
            "township": villages["township_code"].map(town_names).map(_plain).to_numpy(),
        })
        self.rows["label"] = (self.rows["township"] + " " + self.rows["village"]).str.strip()
        # exact names, then stems; with and without the township
        self.lookups: list[dict[tuple[str, str], list[str]]] = [{}, {}]
        for row in self.rows.itertuples(index=False):
            for lookup, town, village in ((self.lookups[0], row.township, row.village),
                                          (self.lookups[1], _stem(row.township, TOWNSHIP_SUFFIXES),
                                           _stem(row.village, VILLAGE_SUFFIXES))):
                lookup.setdefault((town, village), []).append(row.code)
                lookup.setdefault(("", village), []).append(row.code)

    def _candidates(self, township: str, village: str) -> list[str]:
        labels = self.rows["label"].tolist()
        close = difflib.get_close_matches(f"{township} {village}".strip(), labels, n=3, cutoff=0.3)
        if not close:  # the village name alone, anywhere in the county
            names = self.rows["village"].tolist()
            close = [labels[names.index(n)] for n in difflib.get_close_matches(village, names, n=3, cutoff=0.3)]
        return close

    def match(self, township: object, village: object) -> Match:
        """The code of one named village; `township` may be empty when a file has no 乡(镇) column."""
        t, v = _plain(township), _plain(village)
        if not v:
            return Match(None, "行政村名称为空")
        keys = ((t, v), (_stem(t, TOWNSHIP_SUFFIXES), _stem(v, VILLAGE_SUFFIXES)))
        for lookup, key in zip(self.lookups, keys):
            found = lookup.get(key, [])
            if len(found) == 1:
                return Match(found[0])
            if len(found) > 1:
                where = "、".join(self.rows.set_index("code").loc[found, "label"])
                return Match(None, f"名称对应多个行政村({where}),无法确定是哪一个:请在文件中写明乡(镇)")
        near = self._candidates(t, v)
        hint = f";最接近的有:{'、'.join(near)}" if near else ""
        return Match(None, f"行政村表中找不到“{f'{t} {v}'.strip()}”{hint}。请核对名称,或先在行政村表中补上这个村")

    def codes(self, pairs: pd.DataFrame) -> tuple[pd.Series, dict[tuple[str, str], str]]:
        """Codes for a frame of (township, village) name pairs, and the problem of each pair
        that matches no single village; names are looked up once per distinct pair."""
        problems: dict[tuple[str, str], str] = {}
        found: dict[tuple[str, str], str | None] = {}
        for pair in pairs.drop_duplicates().itertuples(index=False):
            key = (pair[0], pair[1])
            result = self.match(*key)
            found[key] = result.code
            if result.problem:
                problems[key] = result.problem
        codes = pd.Series([found[k] for k in zip(pairs.iloc[:, 0], pairs.iloc[:, 1])], index=pairs.index, dtype=object)
        return codes, problems
