"""The one way a county's data enters: check files, then commit a new snapshot or nothing.

`check` reads every file, validates the whole import against the contract and the current
snapshot, and returns the report with the tables ready to commit; `commit` writes them as a new
immutable snapshot through Store.write_snapshot (temporary folder, then an atomic rename), with
the tables the import did not touch carried over from the snapshot the check was made against.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analytics import settings
from analytics.data import aggregates
from analytics.data import county as county_identity
from analytics.data.contract import TABLES
from analytics.data.store import Store
from analytics.ingest import boundaries, isolation, persons, visits
from analytics.ingest import reading as importer
from analytics.ingest.report import ERROR, WARNING, Report
from analytics.ingest.validation import Current, Validator, contract_types

SUFFIXES = (*importer.EXCEL_SUFFIXES, *importer.CSV_SUFFIXES, *boundaries.GEO_SUFFIXES)
# A county starts with what it has: department indicators and boundaries may come later.
OPTIONAL_AT_FIRST = ("village_indicators", "boundaries")
INTERNAL = "内部错误"  # prefix of a reason that reports a bug, not a problem with the file


class ImportRefused(Exception):
    """An import with errors: nothing was committed. The message is Chinese."""


@dataclass(frozen=True)
class Options:
    crs: str = "declared"  # boundary files without a CRS: refuse, or read as WGS84, or convert from GCJ-02
    replace: bool = False  # replace whole tables instead of only the years an import holds
    county_name: str = ""  # needed only when the county code is not in the national division table
    keep_county_name: bool = False  # use county_name even where the division table names the code otherwise
    year: int | None = None  # the year of person-level files whose title and name give none
    townships: tuple[str, ...] | None = None  # the uploader's townships, for visit results (None: county)


@dataclass
class Checked:
    report: Report
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    base: str | None = None
    county: county_identity.County | None = None
    person_files: list[persons.Summary] = field(default_factory=list)  # what each person-level sheet gave
    visits: pd.DataFrame | None = None  # a filled visit list's results (kept outside snapshots)

    @property
    def ok(self) -> bool:
        if self.visits is not None:
            return self.report.ok and not self.visits.empty
        return self.report.ok and bool(self.tables) and self.county is not None


def read_file(path: Path, name: str, options: Options, report: Report) -> list[importer.Sheet]:
    """One file's sheets, read within the import limits in a child process; anything unreadable
    becomes an error naming the file."""
    limit_mb = settings.number("import.max_file_mb")
    suffix = path.suffix.lower()
    if not path.is_file():
        report.add(ERROR, name, "找不到这个文件")
        return []
    size_mb = path.stat().st_size / 1024 / 1024
    if size_mb > limit_mb:
        report.add(ERROR, name, f"文件有 {size_mb:,.0f} MB,超过导入上限 {limit_mb:,.0f} MB:请按年度或乡镇拆分后分批导入"
                                "(上限可在 data/settings.toml 的 import.max_file_mb 中调整)")
        return []
    if suffix not in SUFFIXES:
        report.add(ERROR, name, f"不支持的文件类型“{suffix or '无扩展名'}”:请使用 .xlsx、.xls、.csv、.geojson 或压缩的 Shapefile(.zip)")
        return []
    if not isolation.scan(path, name, report):
        return []
    try:
        return isolation.read_isolated(path, name, options.crs, report)
    except Exception as exc:  # a reader library failing on a strange file must not end the check
        report.add(ERROR, name, f"{INTERNAL}:读取文件时出错({type(exc).__name__}: {exc})")
        return []


def check(paths: Sequence[Path | str], store: Store | None = None, options: Options = Options(),
          names: Sequence[str] | None = None) -> Checked:
    """Validate files as one import against the store's current snapshot (if any)."""
    report = Report()
    paths = [Path(p) for p in paths]
    names = list(names) if names is not None else [p.name for p in paths]
    base = store.current_id() if store is not None else None
    checked = Checked(report, files=names, base=base)
    recognised = [visits.recognises(p) for p in paths]
    if any(recognised):  # a filled visit list goes its own way (ingest.visits)
        if not all(recognised):
            report.add(ERROR, "、".join(names), "入户核实结果名单请单独导入,不要与其他数据表一起导入")
            return checked
        checked.visits = visits.check(paths, names, store, options.townships, report)
        return checked
    sheets = [s for path, name in zip(paths, names) for s in read_file(path, name, options, report)]
    if not sheets:
        if report.ok:
            report.add(ERROR, "、".join(names) or "(没有文件)", "没有可导入的数据")
        return checked
    try:
        sheets, checked.person_files = persons.to_households(sheets, Current(store, base), options.year, report)
        checked.tables = _validate(sheets, Current(store, base), options, report)
    except Exception as exc:  # a bug must reach the user as a message, and the tests as a failure
        report.add(ERROR, "、".join(names), f"{INTERNAL}:{type(exc).__name__}: {exc}",
                   value=traceback.format_exc(limit=-1).strip().splitlines()[-1])
    named = {s.county for s in checked.person_files if s.county}
    if not options.county_name and len(named) == 1:  # a person-level export names its county in 县
        options = replace(options, county_name=named.pop())
    if report.ok:
        checked.county = _county(checked, store, options, report)
    if not report.ok:
        checked.tables = {}
    return checked


PLACE_TABLES = ("townships", "villages")


def _county(checked: Checked, store: Store | None, options: Options, report: Report) -> county_identity.County | None:
    """Which county the import is, from its township and village codes (or the current snapshot's)."""
    previous = county_identity.read(store, checked.base) if store is not None and checked.base else None
    places = {n: checked.tables[n] for n in PLACE_TABLES if n in checked.tables}
    if not places and previous is not None and not options.county_name:
        return previous
    if not places and store is not None and checked.base:
        places = {n: store.table(n, checked.base) for n in PLACE_TABLES if store.has_table(n, checked.base)}
    files = "、".join(checked.files)
    try:
        found, warnings = county_identity.identify(places, options.county_name, previous, options.keep_county_name)
    except county_identity.CountyError as exc:
        report.add(ERROR, files, str(exc))
        return None
    for warning in warnings:
        report.add(WARNING, files, warning)
    return found


def _validate(sheets: list[importer.Sheet], current: Current, options: Options,
              report: Report) -> dict[str, pd.DataFrame]:
    validator = Validator(report, current, options.replace)
    typed = validator.typed(sheets)
    if current.id is None:
        needed = [TABLES[n].zh for n in TABLES if n not in OPTIONAL_AT_FIRST]
        missing = [TABLES[n].zh for n in TABLES if n not in typed and n not in OPTIONAL_AT_FIRST]
        if missing:
            later = "、".join(TABLES[n].zh for n in OPTIONAL_AT_FIRST)
            report.add(ERROR, "、".join(dict.fromkeys(s.file for s in sheets)),
                       f"数据仓库中还没有数据,第一次导入须包含{'、'.join(needed)}({later}可以以后再导入);"
                       f"缺少:{'、'.join(missing)}")
    validator.rules(typed)
    combined = validator.combine(typed)
    validator.duplicates(combined)
    validator.references(combined)
    return {name: contract_types(frame, name) for name, frame in combined.items()}


def commit(checked: Checked, store: Store, user: str) -> str:
    """Write the checked tables as a new current snapshot; refuse when the check found errors, and
    with StaleSnapshot ("数据已被他人更新,请重新检查") when another import or a rollback made a
    different snapshot current after the check: committing would silently drop that change."""
    if not checked.ok:
        raise ImportRefused(checked.report.verdict() if not checked.report.ok else "没有可导入的数据,未导入。")
    parts = "、".join(f"{TABLES[n].zh} {len(f):,} 行" for n, f in checked.tables.items())
    source = f"{'、'.join(checked.files)}({parts})"
    tables = aggregates.with_derived(store.complete(checked.tables, checked.base))
    tables[county_identity.TABLE] = checked.county.frame()
    return store.write_snapshot(tables, kind="import", source=source, user=user, base=checked.base, if_current=True)
