"""数据管理 follows a job it did not start in this session (a reload, another admin's tab): the
stages and the bar while it runs, the buttons held with who started what, the outcome when it lands."""

from __future__ import annotations

import pytest

from analytics.ingest import pipeline as ingest
from analytics.jobs import runner, work
from tests.auth_helpers import make_accounts, sign_in
from tests.import_helpers import as_text, csv_bytes
from tests.jobs_support import at_stage, landed

PAGE = "app_pages/data_admin.py"


@pytest.mark.slow
def test_a_running_training_is_found_again_and_holds_the_buttons_until_it_lands(store_copy, demo_tables, tmp_path,
                                                                                monkeypatch):
    accounts = make_accounts(store_copy, tmp_path / "signed", demo_tables["townships"]["township_code"].iloc[0])
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    release = tmp_path / "release"
    result = {"model": "m-1", "snapshot": accounts.store.current_id(), "n_train": 12345, "fit_seconds": 2.5}
    job = runner.start(accounts.store, work.TRAIN, "tests.jobs_support:wait_for_release", "王五", "返贫风险模型训练",
                       {"release": str(release), "stage": "train", "result": result})
    at_stage(accounts.store.root, job.id, "train")
    at = sign_in("admin01", accounts.passwords["admin01"])
    at.switch_page(PAGE).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "**返贫风险模型训练正在后台进行**:王五 于" in text and "▶ 训练返贫风险模型" in text
    bar = at.get("progress")[0].proto
    assert bar.value == 20 and bar.text.startswith("训练返贫风险模型(本步骤已用")
    waiting = f"王五 于 {job.started_at.replace('T', ' ')} 开始的返贫风险模型训练仍在进行"
    assert any(waiting in i.value for i in at.info)
    assert at.button(key="data_admin_train").disabled
    release.touch()
    landed(at)
    assert not at.exception
    assert any(s.value.startswith("已按快照 ") and "m-1(训练样本 12,345 条" in s.value for s in at.success)
    assert not at.get("progress") and not at.button(key="data_admin_train").disabled
    at.run()  # the outcome is shown once
    assert not any("m-1" in s.value for s in at.success)


@pytest.mark.slow
def test_a_check_is_found_again_after_a_reload_and_its_report_shown_when_it_lands(store_copy, demo_tables, tmp_path,
                                                                                  monkeypatch):
    accounts = make_accounts(store_copy, tmp_path / "signed", demo_tables["townships"]["township_code"].iloc[0])
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    text = as_text(demo_tables["monitoring_lines"], "monitoring_lines")
    text.loc[text["年度"] == "2025", "监测收入标准(元/人·年)"] = "八千一"
    release = tmp_path / "release"
    inputs = {"release": str(release), "names": ["标准.csv"], "saved": ["0.csv"], "options": ingest.Options()}
    job = runner.start(accounts.store, work.CHECK, "tests.jobs_support:check_when_released", "admin01", "数据检查",
                       inputs, files=[("0.csv", csv_bytes(text, "gbk"))])
    at_stage(accounts.store.root, job.id, "check")
    at = sign_in("admin01", accounts.passwords["admin01"])  # a new session: the tab reloaded meanwhile
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "**数据检查正在后台进行**:admin01 于" in "\n".join(m.value for m in at.markdown)
    assert at.get("progress")[0].proto.text.startswith("读取并检查文件(本步骤已用")
    assert at.button(key="data_admin_train").disabled
    release.touch()
    landed(at)
    assert not at.exception
    assert any(e.value.startswith("发现错误 ") and "不能导入" in e.value for e in at.error)
    problems = next(d.value for d in at.dataframe if "问题" in d.value.columns)
    assert (problems["文件"] == "标准.csv").all() and "八千一" in problems["值"].tolist()
    assert not any(b.key == "data_admin_import" for b in at.button) and not at.get("progress")
