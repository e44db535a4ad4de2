"""The keyed audit chain and `python -m analytics audit verify`: what it finds (edits, inserted,
deleted or renumbered records, a log rewritten without the key) and what only an anchored head
digest finds (the newest records cut off)."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest

from analytics.__main__ import main
from analytics.data import audit
from analytics.data.store import Store


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    for n in range(5):
        audit.record(s, f"用户{n}", "sign_in", "全县", f"第 {n} 次")
    return s


def _untriggered(store: Store, *statements: str) -> None:
    with store.db() as con:
        con.execute("DROP TRIGGER IF EXISTS audit_no_update")
        con.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for sql in statements:
            con.execute(sql)


def _rechain(store: Store, key: bytes | None) -> None:
    """What someone with write access to state.db does to hide an edit: recompute every digest,
    with a key of their own (or none)."""
    with store.db() as con:
        rows = con.execute("SELECT seq, at, user, action, scope, detail, client FROM audit ORDER BY seq").fetchall()
        previous = audit._GENESIS
        for seq, *fields in rows:
            if key is None:
                digest = audit._digest(previous, *fields)
            else:
                digest = audit.KEYED + hmac.new(key, audit._payload(seq, previous, *fields), hashlib.sha256).hexdigest()
            con.execute("UPDATE audit SET digest=? WHERE seq=?", (digest, seq))
            previous = digest


def test_an_intact_log_verifies_and_the_command_prints_the_head(store, capsys):
    result = audit.verify(store)
    assert (result.ok, result.records, result.head_seq, result.legacy) == (True, 5, 5, 0)
    assert result.head == audit.digest_of(store, 5) and result.head.startswith(audit.KEYED)
    assert stat.S_IMODE((store.root / "audit.key").stat().st_mode) == 0o600
    assert main(["audit", "verify", "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert "审计日志完整:共 5 条记录。" in out and f"最新一条:5:{result.head}" in out


@pytest.mark.parametrize("key", [None, b"guessed"])
def test_an_edit_hidden_by_recomputing_the_chain_without_the_key_is_found(store, key, capsys):
    _untriggered(store, "UPDATE audit SET detail='改过' WHERE seq=3")
    _rechain(store, key)
    result = audit.verify(store)
    assert not result.ok and result.first_bad_seq == 1 and "摘要不符" in result.reason
    assert main(["audit", "verify", "--store", str(store.root)]) == 1
    assert "审计日志校验失败:第 1 条记录" in capsys.readouterr().out


def test_an_edit_without_recomputing_is_found_at_its_record(store):
    _untriggered(store, "UPDATE audit SET user='他人' WHERE seq=4")
    assert audit.verify(store).first_bad_seq == 4


def test_a_deleted_record_is_a_gap_in_the_sequence(store):
    _untriggered(store, "DELETE FROM audit WHERE seq=2")
    result = audit.verify(store)
    assert not result.ok and result.first_bad_seq == 3 and "序号不连续:应为 2,这里是 3" in result.reason


def test_cutting_off_the_newest_records_needs_the_anchored_head(store, capsys):
    """The chain alone cannot show a cut tail (every record left still verifies): the head digest
    written down earlier does."""
    anchor = f"5:{audit.digest_of(store, 5)}"
    _untriggered(store, "DELETE FROM audit WHERE seq >= 4")
    assert audit.verify(store).ok
    assert main(["audit", "verify", "--store", str(store.root), "--anchor", anchor]) == 1
    assert "审计日志与留存的摘要不符:第 5 条记录不存在" in capsys.readouterr().out


def test_records_from_before_the_key_verify_as_a_prefix_only(tmp_path):
    store = Store(tmp_path / "store")
    with store.db() as con:
        previous = audit._GENESIS
        for seq in (1, 2):
            fields = ("2026-01-01T00:00:00", "旧", "sign_in", "全县", "", "")
            previous = audit._digest(previous, *fields)
            con.execute("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)", (seq, *fields, previous))
    audit.record(store, "新", "sign_in")
    result = audit.verify(store)
    assert (result.ok, result.records, result.legacy) == (True, 3, 2)
    _untriggered(store)
    _rechain(store, None)  # the whole log passed off as written before the key
    assert audit.verify(store).first_bad_seq == 3


def test_a_missing_key_is_a_chinese_error(store, capsys):
    (store.root / "audit.key").unlink()
    assert main(["audit", "verify", "--store", str(store.root)]) == 1
    assert "无法读取审计日志的密钥文件" in capsys.readouterr().out


def test_the_key_can_live_outside_the_store(tmp_path, monkeypatch):
    from analytics import settings
    monkeypatch.setitem(settings.load(), "audit.key_file", str(tmp_path / "keys" / "audit.key"))
    (tmp_path / "keys").mkdir()
    store = Store(tmp_path / "store")
    audit.record(store, "甲", "sign_in")
    assert (tmp_path / "keys" / "audit.key").exists() and not (store.root / "audit.key").exists()
    assert audit.verify(store).ok
