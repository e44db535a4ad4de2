"""数据管理 in a real browser: a training started on the page runs outside the server; the page
reloaded meanwhile finds it again with its stages and bar, then shows the outcome."""

from __future__ import annotations

import json
import os
import signal
import time

from analytics.jobs import runner
from analytics.risk import saved as risk_model_store
from devtools import server
from tests.auth_helpers import make_accounts
from tests.e2e.conftest import goto, new_tab, rerun, settle

JOB_TIMEOUT_MS = 300_000


def _training_child(root) -> int:
    """The pid of the job's child once it has begun to train (it holds the lock by then)."""
    deadline = time.monotonic() + JOB_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        job = runner.latest(root)
        if job is not None and job.stage == "train":
            return json.loads((runner.jobs_dir(root) / "lock").read_text())["pid"]
        time.sleep(0.1)
    raise TimeoutError("the training job did not begin to train")


def test_a_training_survives_a_reload_and_ends_with_its_outcome(browser, store_copy, demo_tables, tmp_path):
    accounts = make_accounts(store_copy, tmp_path / "signed", demo_tables["townships"]["township_code"].iloc[0])
    before = {m.id for m in risk_model_store.saved(accounts.store.root)}
    with server.serve(accounts.store.root) as app:
        ctx, page = new_tab(browser, viewport={"width": 1280, "height": 900})
        try:
            goto(page, app.url + "/data_admin")
            page.get_by_label("用户名").fill("admin01")
            page.get_by_label("密码", exact=True).fill(accounts.passwords["admin01"])
            rerun(page, page.get_by_role("button", name="登录").click, 180)
            page.get_by_role("tab", name="返贫风险模型").click()
            rerun(page, page.get_by_role("button", name="按当前快照重新训练").click)
            child = _training_child(accounts.store.root)
            os.kill(child, signal.SIGSTOP)  # held mid-way, so that the reload surely meets it running
            try:
                assert runner.latest(accounts.store.root).running and child != app.process.pid
                page.reload()
                settle(page)
                page.get_by_text("返贫风险模型训练正在后台进行").wait_for()
                assert page.locator('[data-testid="stProgress"]').count() == 1
                assert "训练返贫风险模型" in page.locator('[data-testid="stProgress"]').inner_text()
                page.get_by_role("tab", name="返贫风险模型").click()
                assert page.get_by_role("button", name="按当前快照重新训练").is_disabled()
                assert page.get_by_text("admin01 于").first.is_visible()  # who started it, for anyone else
            finally:
                os.kill(child, signal.SIGCONT)
            page.get_by_text("已按快照").wait_for(timeout=JOB_TIMEOUT_MS)  # the fragment's poll brings it
            assert page.locator('[data-testid="stProgress"]').count() == 0
            assert page.get_by_role("button", name="按当前快照重新训练").is_enabled()
        finally:
            ctx.close()
    job = runner.latest(accounts.store.root)
    assert job.state == runner.DONE and job.user == "admin01"
    assert job.result["model"] not in before
    assert job.result["model"] == risk_model_store.current(accounts.store.root, accounts.store.current_id())
