"""会议汇报材料: one self-contained file with every section and chart, plotly.js inline, no
outside reference that a browser would fetch, no personal data, and a township cut that holds
only that township's villages."""

from __future__ import annotations

import io
import re

import docx
import plotly.offline
import pytest

from analytics import settings
from analytics.data import checks, indicators
from analytics.data.funds import IndustryRule
from analytics.data.store import Store
from analytics.reports import briefing, briefing_docx, static_charts
from analytics.scoring import composite as scoring
from analytics.views import assessment, projects

SECTIONS = ("一、总体情况", "二、防止返贫动态监测", "三、两不愁三保障及饮水安全", "四、易地搬迁后续扶持",
            "五、衔接资金和项目", "六、乡村振兴五大维度", "七、乡镇考核排名", "附:分村")


def _inputs(store: Store, tables: dict, township: str | None = None, with_scores: bool = True) -> briefing.Inputs:
    year = int(tables["households"]["year"].max())
    scores = scoring.score_villages(values := indicators.load_values(store), tables["villages"],
                                    scoring.CompositeScorer.from_settings(scoring.Method.from_settings()).fit(values), scoring.Tiers.from_settings()) if with_scores else None
    return briefing.Inputs(
        county="岚溪县", year=year, snapshot_id=store.current_id(), is_demo=True, townships=tables["townships"],
        villages=tables["villages"], village_year=store.table("village_year"), households=tables["households"],
        projects=tables["projects"], lines=tables["monitoring_lines"], boundaries=store.table("boundaries"),
        rule=IndustryRule(("中央衔接资金",), ("产业发展",), 0.55, 0.60), flag_deduction=1.0,
        checks=checks.Config.from_settings(), schedule=list(settings.numbers("funds.disbursement_schedule")), scale_ratio=1.5,
        severity=projects.Severity((10, 25, 40), (2.5, 4)),
        employed_min_months=3, high_risk_probability=0.2,
        weights=assessment.weights({c: 1.0 for c in assessment.COMPONENTS}), township=township, scores=scores)


@pytest.fixture(scope="module")
def county_html(demo_store, demo_tables) -> str:
    return briefing.build(_inputs(demo_store, demo_tables))


def test_every_section_and_chart_is_there(county_html):
    for title in SECTIONS:
        assert title in county_html, title
    figures = re.findall(r'<div id="figure-(\d+)" class="plotly-graph-div"', county_html)
    # income vs line, monitoring, guarantee trend, funds by category, industry share, dimensions, ranking
    # (no risk-type chart: these inputs carry no model predictions)
    assert len(figures) == 7
    assert county_html.count("Plotly.newPlot(") == len(figures)
    assert county_html.count('<svg class="map"') == 1


def test_plotly_is_inline_and_nothing_is_fetched(county_html):
    assert re.search(r"<script[^>]*\bsrc=", county_html) is None
    assert re.search(r"<link[^>]*\bhref=", county_html) is None
    assert "@import" not in county_html and "url(http" not in county_html
    head = county_html[:county_html.index("</head>")]
    assert plotly.offline.get_plotlyjs()[:200] in head  # the library itself, inline in the page head
    assert len(county_html) > 3_000_000  # the library itself is embedded, not referenced


@pytest.mark.slow
def test_no_personal_data(county_html, demo_tables):
    h = demo_tables["households"]
    for value in h["head_id_number"].drop_duplicates().head(2000):
        assert value not in county_html
    three = h.loc[h["head_name"].str.len() == 3, "head_name"].drop_duplicates().head(300)
    assert not [n for n in three if n in county_html]


def test_the_map_draws_every_village(county_html, demo_tables):
    svg = county_html[county_html.index('<svg class="map"'):]
    assert svg[:svg.index("</svg>")].count("<path ") == len(demo_tables["villages"])


def test_a_township_briefing_holds_only_that_township(demo_store, demo_tables):
    town = demo_tables["townships"].iloc[5]
    page = briefing.build(_inputs(demo_store, demo_tables, town["township_code"]))
    assert f"岚溪县{town['township_name']}巩固拓展" in page
    villages = demo_tables["villages"]
    mine = villages[villages["township_code"] == town["township_code"]]
    svg = page[page.index('<svg class="map"'):]
    assert svg[:svg.index("</svg>")].count("<path ") == len(mine)
    guarantee_table = page[page.index("三、两不愁三保障"):page.index("四、易地搬迁")]
    others = villages.loc[villages["township_code"] != town["township_code"], "village_name"]
    assert not [v for v in others if f"<td class=\"\">{v}</td>" in guarantee_table]
    assert "在 16 个乡镇中排第" in page  # the ranking still compares every township


def test_missing_scores_are_said_not_faked(demo_store, demo_tables):
    page = briefing.build(_inputs(demo_store, demo_tables, with_scores=False))
    assert "五大振兴得分不可用" in page and "未含五大振兴得分" in page


@pytest.fixture(scope="module")
def county_docx(demo_store, demo_tables) -> docx.document.Document:
    return docx.Document(io.BytesIO(briefing_docx.build(_inputs(demo_store, demo_tables))))


def test_the_word_file_has_the_same_sections_with_charts_and_the_map_as_pictures(county_docx):
    headings = [p.text for p in county_docx.paragraphs if p.style.name.startswith("Heading")]
    for title in SECTIONS:
        assert any(h.startswith(title) for h in headings), title
    assert headings[-1] == "说明"
    pictures = county_docx.inline_shapes
    assert len(pictures) == 8  # the seven charts of the HTML file and the map
    assert all(p.width > 0 and p.height > 0 for p in pictures)
    text = "\n".join(p.text for p in county_docx.paragraphs)
    assert "巩固拓展脱贫攻坚成果同乡村振兴有效衔接" in text and "岚溪县" in text and "模拟数据" in text
    cells = [c.text for t in county_docx.tables for row in t.rows for c in row.cells]
    assert "风险消除率" in "".join(cells) and "问题户(户)" in cells  # cards and tables as Word tables


def test_the_word_file_holds_no_personal_data(county_docx, demo_tables):
    text = "\n".join([p.text for p in county_docx.paragraphs]
                     + [c.text for t in county_docx.tables for row in t.rows for c in row.cells])
    h = demo_tables["households"]
    assert not [v for v in h["head_id_number"].drop_duplicates().head(2000) if v in text]
    three = h.loc[h["head_name"].str.len() == 3, "head_name"].drop_duplicates().head(300)
    assert not [n for n in three if n in text]


def test_chart_text_is_set_in_a_chinese_font_found_by_family_name():
    family = static_charts.cjk_font()
    assert family in static_charts.CJK_FAMILIES or "CJK" in family  # CI installs fonts-noto-cjk
