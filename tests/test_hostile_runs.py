"""Runs stopped or starved: SIGTERM, SIGINT and SIGHUP during a run, two runs at once on one reports folder,
a full disk and a read-only one (real tmpfs mounts in a private mount namespace). Each case asserts the
exit code, no traceback, one true first line, the earlier reports and the raw files byte-identical, and no
worker, kernel or staging folder left.

These start real kernels: one small run (two units) makes the earlier reports, shared by every case.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_kit import HEADER, digests, first_line, good_rows, run_cli, survivors, without_progress

from conftest import ROOT

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-m", "parindex_lib.cli"]


USER_SCHEME = """name: huyen-tinh-x-2024
title_vi: Trọng số của tỉnh X cho cấp huyện (thử)
level: huyện
years: 2024
candidate: true
source: a test scheme, given with --schemes
max_points: {C1: 10, C2: 10, C3: 10, C4: 10, C5: 10, C6: 10, C7: 10, C8: 10, SIPAS: 20}
"""


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """Two units' raw table and the reports of a completed run on it — made with a huge --workers and the
    longest --cell-timeout, which a run takes as they are, and a scheme of the user's (--schemes) that the
    pages' kernels must find."""
    base = tmp_path_factory.mktemp("earlier")
    raw, schemes = base / "raw", base / "schemes"
    raw.mkdir()
    schemes.mkdir()
    (raw / "xa.csv").write_text(HEADER + good_rows("Xã A") + good_rows("Xã B"), encoding="utf-8")
    (schemes / "huyen-tinh-x-2024.yaml").write_text(USER_SCHEME, encoding="utf-8")
    done = subprocess.run([*CLI, "run", "--raw", str(raw), "--out", str(base / "reports"), "--processed",
                           str(base / "p"), "--year", "2024", "--workers", "99999999999999999999",
                           "--cell-timeout", "604800", "--schemes", str(schemes), "--set", "scheme=huyen-tinh-x-2024"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Đã ghi 8/8 trang" in done.stdout, done.stdout  # a Vietnamese run: every page written
    return base


def test_the_pages_kernels_find_a_scheme_given_with_schemes(earlier):
    from parindex_lib.batch.plan import slugify

    for page in ("summary", "weighting", "lift"):
        html = (earlier / "reports" / "2024-FY" / slugify("Xã A", "district") / f"{page}.html").read_text("utf-8")
        assert "huyen-tinh-x-2024" in html, page


def _descendants(pid: int) -> list[str]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return out + [d for c in out for d in _descendants(int(c))]


def _start_run(raw: Path, out: Path, processed: Path) -> tuple[subprocess.Popen, list[str]]:
    """A run in its own session, returned once its workers have started their kernels."""
    proc = subprocess.Popen([*CLI, "run", "--raw", str(raw), "--out", str(out), "--processed", str(processed),
                             "--year", "2024", "--workers", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    seen: list[str] = []
    while time.time() < deadline:
        seen = _descendants(proc.pid)
        if len(seen) >= 3 and list(out.glob(".staging-*")):  # worker, its kernel (and the resource tracker)
            return proc, seen
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"the run started no kernel in time: {proc.communicate()[1][-2000:]}")


@pytest.mark.parametrize("signum, to_group", [
    (signal.SIGTERM, False),  # kill PID
    (signal.SIGINT, True),  # Ctrl-C at a terminal: the whole foreground process group
    (signal.SIGHUP, False),  # the terminal closed
], ids=["SIGTERM", "SIGINT to the group", "SIGHUP"])
def test_a_run_stopped_by_a_signal_leaves_the_earlier_reports(earlier, tmp_path, capsys, signum, to_group):
    raw, out, processed = earlier / "raw", tmp_path / "reports", tmp_path / "p"
    shutil.copytree(earlier / "reports", out, symlinks=True)
    before = digests(out, raw)
    proc, started = _start_run(raw, out, processed)
    # Two runs at once on one reports folder: the second is refused before it writes anything.
    tables = digests(processed)
    code, _, err = run_cli(["run", "--raw", str(raw), "--out", str(out), "--processed", str(processed),
                            "--year", "2024"], capsys)
    assert code == 2 and "một lượt chạy parindex khác đang ghi các báo cáo này" in first_line(err)  # in vi
    assert digests(processed) == tables  # not even the standardised tables the first run's pages read
    os.killpg(proc.pid, signum) if to_group else os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and "Warning" not in err, err
    message = first_line(without_progress(err))
    # A Vietnamese run (its default) says so in Vietnamese.
    assert message.startswith(f"parindex: đã dừng do tín hiệu {signal.Signals(signum).name}: "), message
    assert f"{out / '2024-FY'} vẫn như trước lần chạy này" in message
    assert not survivors(started), "a worker or kernel outlived the run"
    assert not list(out.glob(".staging-*")) and not list(out.rglob(".old-*"))
    assert digests(out, raw) == before


# -- a full disk, a read-only disk ------------------------------------------------------------------------

def _unshare_works() -> str | None:
    if shutil.which("unshare") is None:
        return "unshare is not installed"
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"], capture_output=True, text=True)
    return None if probe.returncode == 0 else f"mounting a tmpfs is not permitted here ({probe.stderr.strip()})"


def on_a_small_disk(spec: dict) -> dict:
    why = _unshare_works()
    if why:
        pytest.skip(why)
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                           str(ROOT / "tests" / "hostile_mounts.py"), json.dumps(spec)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_full_disk_during_a_run_leaves_the_earlier_reports(earlier, tmp_path):
    mount = tmp_path / "disk"
    result = on_a_small_disk({
        "mount": str(mount), "size": "8m", "keep_from": str(earlier / "reports"), "keep": "reports",
        "free_kb": 40,  # room for the staging folder, not for the pages
        "argv": [*CLI, "run", "--raw", str(earlier / "raw"), "--out", str(mount / "reports"), "--processed",
                 str(tmp_path / "p"), "--year", "2024", "--workers", "1"], "cwd": str(ROOT)})
    assert result["code"] == 2, result["stderr"]
    message = first_line(without_progress(result["stderr"]))
    assert f"{mount / 'reports'}: không ghi được các trang báo cáo vào đây (ổ đĩa đã đầy" in message
    assert f"{mount / 'reports' / '2024-FY'} vẫn như trước lần chạy này" in message
    assert result["after"] == result["before"] and result["before"]
    assert not [p for p in result["left"] if ".staging-" in p or ".tmp" in p]


@pytest.mark.parametrize("command", ["run", "standardise"])
def test_a_read_only_output_folder_is_refused_before_any_work(earlier, tmp_path, command):
    mount = tmp_path / "disk"
    target = mount / "out"
    argv = ([*CLI, "run", "--raw", str(earlier / "raw"), "--out", str(target), "--processed", str(tmp_path / "p"),
             "--year", "2024"] if command == "run" else
            [*CLI, "standardise", str(earlier / "raw"), "--out", str(target)])
    result = on_a_small_disk({"mount": str(mount), "keep_from": str(earlier / ("reports" if command == "run"
                                                                                  else "p")),
                              "keep": "out", "read_only": True, "argv": argv, "cwd": str(ROOT)})
    assert result["code"] == 2, result["stderr"]
    message = first_line(result["stderr"])
    expected = ("nằm trên hệ thống tệp chỉ đọc" if command == "run"
                else "không ghi được các bảng chuẩn hoá (hệ thống tệp chỉ đọc)")
    assert message.startswith(f"parindex: lỗi: {target}") and expected in message, message
    assert result["after"] == result["before"] and result["before"]


def test_standardise_on_a_full_disk_replaces_no_table(earlier, tmp_path):
    mount = tmp_path / "disk"
    big = tmp_path / "raw"
    big.mkdir()
    (big / "xa.csv").write_text(HEADER + "".join(good_rows(f"Xã {i}") for i in range(300)), encoding="utf-8")
    result = on_a_small_disk({"mount": str(mount), "size": "4m", "keep_from": str(earlier / "p"), "keep": "out",
                              "free_kb": 30, "argv": [*CLI, "standardise", str(big), "--out", str(mount / "out")],
                              "cwd": str(ROOT)})
    assert result["code"] == 2, result["stderr"]
    message = first_line(result["stderr"])
    assert message.startswith(f"parindex: lỗi: {mount / 'out'}: không ghi được các bảng chuẩn hoá (ổ đĩa đã đầy)"), \
        message
    assert result["after"] == result["before"]  # scores.csv, tasks.csv and inputs.json: all old, none new
    assert not [p for p in result["left"] if p.endswith(".tmp")]
