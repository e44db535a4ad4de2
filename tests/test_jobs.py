"""The job runner: heavy work in a child process with its own memory cap, one job per store,
progress and outcome in a status file that any process can read, a dead child's lock recovered."""

from __future__ import annotations

import json
import os
import signal

import pandas as pd
import pytest

from analytics import settings
from analytics.ingest import pipeline as ingest
from analytics.ingest.validation import contract_types
from analytics.jobs import runner, work
from analytics.jobs.runner import JobBusy
from tests.import_helpers import as_text, csv_bytes
from tests.jobs_support import BALLAST_MB, finished

SUPPORT = "tests.jobs_support"


@pytest.fixture
def store(store_copy):
    return store_copy


def _start(store, name: str, inputs: object = None, user: str = "admin01"):
    return runner.start(store, "test", f"{SUPPORT}:{name}", user, "测试任务", inputs)


@pytest.mark.slow
def test_a_job_runs_in_a_child_and_reports_its_result(store):
    job = _start(store, "succeed", {"numbers": [1, 2, 3]})
    assert job.running and job.user == "admin01"
    done = finished(store.root, job.id)
    assert (done.state, done.stage, done.fraction) == (runner.DONE, "count", 1.0)
    assert done.result == {"rows": 6, "store": str(store.root)}
    assert done.peak_mb > 0  # the child's own high-water mark, which the benchmark reports
    assert not (runner.jobs_dir(store.root) / job.id / "spec.pkl").exists()  # the inputs do not linger
    assert runner.latest(store.root) == done
    assert store.loose_permissions() == []  # status, log and lock are as private as the snapshots


@pytest.mark.slow
def test_a_job_handed_on_runs_its_second_stage_in_a_fresh_image_of_the_same_process(store):
    """The pid holds the lock throughout; the second stage does not inherit the first's memory,
    but the peak reported is the higher of the two."""
    done = finished(store.root, _start(store, "hand_on").id)
    assert (done.state, done.stage) == (runner.DONE, "second"), done.error
    pid = done.result["first_pid"]
    assert done.result == {"first_pid": pid, "held": BALLAST_MB * 2**20, "second_pid": pid, "inputs": pid,
                           "fresh_image": True}
    assert done.peak_mb >= BALLAST_MB
    assert not (runner.jobs_dir(store.root) / "lock").exists()
    assert not (runner.jobs_dir(store.root) / done.id / "spec.pkl").exists()


@pytest.mark.slow
def test_a_failing_job_keeps_its_chinese_message(store):
    done = finished(store.root, _start(store, "fail_in_chinese").id)
    assert done.state == runner.FAILED and done.error_code == "bad_year"
    assert done.error == "第 3 行“年度”的值“二〇二五”不是年份"


@pytest.mark.slow
def test_a_job_over_its_memory_cap_fails_alone_and_says_which_setting(store):
    settings.use({"jobs.memory_mb": 1500})
    try:
        done = finished(store.root, _start(store, "hog_memory").id)
    finally:
        settings.use({})
    assert done.state == runner.FAILED and done.error_code == "memory"
    assert "1,500 MB(jobs.memory_mb)" in done.error and "服务器不受影响" in done.error
    assert done.memory_mb == 1500


@pytest.mark.slow
def test_a_second_job_is_told_who_runs_what_and_the_store_frees_when_it_ends(store, tmp_path):
    release = tmp_path / "release"
    first = _start(store, "wait_for_release", {"release": str(release)}, user="张三")
    with pytest.raises(JobBusy) as refused:
        _start(store, "succeed", {"numbers": [1]}, user="李四")
    message = str(refused.value)
    assert refused.value.job.id == first.id
    assert "张三" in message and "测试任务仍在进行" in message and first.started_at.replace("T", " ") in message
    release.touch()
    assert finished(store.root, first.id).result == {"released": True}
    second = _start(store, "succeed", {"numbers": [4]}, user="李四")
    assert finished(store.root, second.id).result["rows"] == 4


@pytest.mark.slow
def test_a_killed_child_leaves_no_lock_behind(store, tmp_path):
    job = _start(store, "wait_for_release", {"release": str(tmp_path / "never")})
    lock = json.loads((runner.jobs_dir(store.root) / "lock").read_text())
    assert lock["id"] == job.id and lock["pid"] != os.getpid()  # the child holds it, not the server
    os.kill(lock["pid"], signal.SIGKILL)  # what the kernel's out-of-memory killer does
    died = finished(store.root, job.id)
    assert died.state == runner.FAILED and died.error_code == "died" and "jobs.memory_mb" in died.error
    assert finished(store.root, _start(store, "succeed", {"numbers": [2]}).id).state == runner.DONE


@pytest.mark.slow
def test_a_lock_left_by_a_dead_process_is_stale(store):
    runner.jobs_dir(store.root).mkdir()
    gone = os.fork()
    if gone == 0:
        os._exit(0)
    os.waitpid(gone, 0)
    (runner.jobs_dir(store.root) / "lock").write_text(json.dumps({"id": "old", "pid": gone, "ticks": 1, "job": {}}))
    assert finished(store.root, _start(store, "succeed", {"numbers": [5]}).id).result["rows"] == 5


@pytest.mark.slow
def test_the_training_job_saves_a_model_of_the_current_snapshot(store):
    before = {m.id for m in work.risk_model_store.saved(store.root)}
    done = finished(store.root, work.start_training(store, "admin01").id)
    assert done.state == runner.DONE and done.stage == "train", done.error
    assert done.result["snapshot"] == store.current_id() and done.result["model"] not in before
    assert done.result["n_train"] > 0


def _lines(demo_tables, threshold: str | None = None) -> bytes:
    text = as_text(demo_tables["monitoring_lines"], "monitoring_lines")
    if threshold is not None:
        text.loc[text["年度"] == "2025", "监测收入标准(元/人·年)"] = threshold
    return csv_bytes(text, "gbk")


@pytest.mark.slow
def test_a_check_job_gives_the_report_of_the_check_in_process_and_keeps_files_private(store, demo_tables, tmp_path):
    bad = _lines(demo_tables, "八千一")
    (tmp_path / "标准.csv").write_bytes(bad)
    in_process = ingest.check([tmp_path / "标准.csv"], store)
    job = finished(store.root, work.start_check(store, [("标准.csv", bad)], ingest.Options(), "admin01").id)
    assert job.state == runner.DONE and job.result == {"ok": False, "errors": in_process.report.errors, "warnings": 0}
    checked = work.checked(store.root, job.id)
    assert not in_process.report.ok and checked.report.verdict() == in_process.report.verdict()
    assert checked.report.frame(personal_visible=True).equals(in_process.report.frame(personal_visible=True))
    assert "八千一" in checked.report.frame(personal_visible=True)["value"].tolist()
    assert checked.files == ["标准.csv"] and not checked.ok
    folder = runner.jobs_dir(store.root) / job.id
    assert not any((folder / "files").iterdir())  # the upload is gone once read
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir() if p.is_file()} == {"0o600"}


@pytest.mark.slow
def test_an_import_commits_the_tables_its_check_job_left_once(store, demo_tables):
    check = finished(store.root, work.start_check(store, [("标准.csv", _lines(demo_tables, "8100"))], ingest.Options(),
                                                  "admin01").id)
    assert check.state == runner.DONE and check.result["ok"] and work.checked(store.root, check.id).ok
    done = finished(store.root, work.start_import(store, check.id, "admin01").id)
    assert done.state == runner.DONE and done.result["snapshot"] == store.current_id(), done.error
    assert done.stage == "train" and done.result["model"] == "返贫风险模型已按当前快照训练并保存。"
    assert work.risk_model_store.current(store.root, store.current_id()) is not None  # trained in the second image
    assert store.table("monitoring_lines").set_index("year")["threshold_yuan"][2025] == 8100.0
    again = finished(store.root, work.start_import(store, check.id, "admin01").id)
    assert again.state == runner.FAILED and again.error_code == "gone" and "请重新检查" in again.error


@pytest.mark.slow
def test_an_import_whose_training_runs_out_of_memory_is_still_imported(store, demo_tables, monkeypatch):
    check = finished(store.root, work.start_check(store, [("标准.csv", _lines(demo_tables))], ingest.Options(),
                                                  "admin01").id)

    def no_memory(_store):
        raise MemoryError

    monkeypatch.setattr(work.risk_model_store, "prepare", no_memory)
    stages = []
    inputs = {"check": check.id, "user": "admin01", "folder": str(runner.jobs_dir(store.root) / check.id)}
    then = work.commit_import(store, inputs, lambda s, f: stages.append(s))
    assert then.result["snapshot"] == store.current_id()
    result = work.train_after_import(store, then.inputs, lambda s, f: stages.append(s))
    assert stages == ["commit", "train"]
    assert result["model"].startswith("返贫风险模型未训练:任务所需的内存超过上限") and "jobs.memory_mb" in result["model"]


def test_the_checked_tables_come_back_from_disk_as_they_were_written(tmp_path, demo_tables):
    """The hand-over from the check job to the import job (a pickle per column): every type the
    contract uses, text with blanks, and the boundaries whole, with their CRS."""
    households = demo_tables["households"].head(500).copy()
    households.loc[3, "head_name"] = None
    households = contract_types(households, "households")  # as the check leaves them
    tables = {"households": households, "boundaries": demo_tables["boundaries"],
              "monitoring_lines": demo_tables["monitoring_lines"]}
    kinds = {str(t) for t in households.dtypes}
    assert {"str", "float64", "int64", "bool"} <= kinds and households["head_name"].isna().any()
    work._write_tables(tmp_path / work.TABLES, tables)
    back = work._read_tables(tmp_path / work.TABLES)
    assert list(back) == list(tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(back[name], frame.reset_index(drop=True), check_exact=True)
    assert back["boundaries"].crs == tables["boundaries"].crs
    assert oct(os.stat(tmp_path / work.TABLES).st_mode & 0o777) == "0o600"
