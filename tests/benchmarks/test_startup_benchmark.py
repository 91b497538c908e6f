"""Cold start → first screen interactive, against a bare PySide6 window, in the same run.

Both run as fresh subprocesses that print READY from the event loop once the window's first
paint is over and it waits for input (the first screen's drawing counts on both sides). Goal:
the assistant within 1.3× the bare window (printed); the test fails only beyond 2.5× (best of 9
alternating runs) so a busy CI machine does not make it flaky.

The clock on a shared machine moves by a few milliseconds from run to run, as much as a change
to the start saves; a second test counts the machine instructions each side runs until READY
(valgrind's callgrind: the same count every run, whatever else the machine does), so a change
that makes the start do more work is seen at once, and fails beyond 1.4×.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOAL = 1.3
LIMIT = 2.5
RUNS = 9

#: The bare window reports READY the way ``ui.app`` does with --report-ready: from the event
#: loop, once the window's first paint is over (a 0 ms timer started by the first paint event).
BARE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.setCentralWidget(QLabel("Hello"))
w.resize(1024, 768)
def ready():
    import time
    sys.stdout.write(f"READY {time.process_time() * 1000:.1f}\\n")
    sys.stdout.flush()
    app.quit()
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            w.removeEventFilter(self)
            QTimer.singleShot(0, ready)
        return False
probe = FirstPaint(w)
w.installEventFilter(probe)
w.show()
app.exec()
"""


def time_to_ready(cmd: list[str], pycache: Path) -> tuple[float, float]:
    """(seconds from the start of the process to READY, processor seconds it used until then)"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOSSIER_TTS_ENGINE="mock")
    # Like an installed program (pip writes .pyc files): the warm-up run compiles, the timed
    # runs load bytecode, even where PYTHONDONTWRITEBYTECODE is set for the test run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            words = line.split()
            if words[:1] == ["READY"]:
                return time.perf_counter() - start, float(words[1]) / 1000
        raise AssertionError(f"{cmd} never became ready (exit {proc.wait()})")
    finally:
        proc.stdout.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.benchmark
def test_cold_start_against_bare_window(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bare_cmd = [sys.executable, "-c", BARE]
    app_cmd = [
        sys.executable,
        "-m",
        "ui.launcher",
        "--demo",
        "--no-pcscd",
        "--language",
        "fr",
        "--report-ready",
        "--quit-after",
        "0",
    ]
    time_to_ready(bare_cmd, tmp_path)  # warm the OS file cache for both
    time_to_ready(app_cmd, tmp_path)
    bare, app, bare_cpu, app_cpu = [], [], [], []
    for _ in range(RUNS):
        for times, cpus, cmd in ((bare, bare_cpu, bare_cmd), (app, app_cpu, app_cmd)):
            wall, cpu = time_to_ready(cmd, tmp_path)
            times.append(wall)
            cpus.append(cpu)
    # the best of each: what the machine can do when nothing else gets in the way (the runs
    # alternate, so a busy spell slows both); the medians are printed too, and the processor
    # time each used until ready (less shaken by other programs than the clock)
    b, a = min(bare), min(app)
    ratio = a / b
    median_ratio = statistics.median(app) / statistics.median(bare)
    cpu_ratio = min(app_cpu) / min(bare_cpu)
    cpu_median_ratio = statistics.median(app_cpu) / statistics.median(bare_cpu)
    with capsys.disabled():
        print(
            f"\n[startup] bare PySide6 window {b * 1000:.0f} ms, assistant first screen "
            f"{a * 1000:.0f} ms (best of {RUNS}; medians {statistics.median(bare) * 1000:.0f} / "
            f"{statistics.median(app) * 1000:.0f} ms), ratio {ratio:.2f}, median ratio "
            f"{median_ratio:.2f} (goal <= {GOAL}); processor time "
            f"{min(bare_cpu) * 1000:.0f} / {min(app_cpu) * 1000:.0f} ms, ratio {cpu_ratio:.2f}, "
            f"median ratio {cpu_median_ratio:.2f}"
        )
    assert ratio <= LIMIT


#: Until READY, then out at once (what runs after it, the card and record services starting,
#: is not the first screen's work): the launcher's own start, as ``python -m ui.launcher``.
APP_UNTIL_READY = """
import gc, os, sys
gc.disable()  # as the launcher does before it imports ui.app
import ui.app as A
def reporter(then=None):
    def ready():
        sys.stdout.write("READY\\n")
        sys.stdout.flush()
        os._exit(0)
    return ready
A._ready_reporter = reporter
from ui.launcher import main
main(sys.argv[1:])
"""

WORK_LIMIT = 1.4


def instructions_until_ready(cmd: list[str], pycache: Path) -> int:
    """Machine instructions the process runs until it prints READY (callgrind's count)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOSSIER_TTS_ENGINE="mock")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "READY" in out.stdout, out.stderr[-2000:]
    counts = [line for line in out.stderr.splitlines() if "Collected" in line]
    assert counts, out.stderr[-2000:]
    return int(counts[-1].split()[-1])


@pytest.mark.benchmark
@pytest.mark.timeout(600)
def test_cold_start_work_against_bare_window(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed (packaging/setup-debian.sh installs it)")
    # out at READY too (the bare script's ready() quits the event loop instead)
    assert "    app.quit()" in BARE
    bare_until_ready = "import os\n" + BARE.replace("    app.quit()", "    os._exit(0)")
    bare_cmd = [sys.executable, "-c", bare_until_ready]
    args = ["--demo", "--no-pcscd", "--language", "fr", "--report-ready"]
    app_cmd = [sys.executable, "-c", APP_UNTIL_READY, *args]
    # a first start compiles, fills the picture and catalog caches, as any earlier start did
    time_to_ready([sys.executable, "-m", "ui.launcher", *args, "--quit-after", "0"], tmp_path)
    time_to_ready([sys.executable, "-c", BARE], tmp_path)
    bare = instructions_until_ready(bare_cmd, tmp_path)
    app = instructions_until_ready(app_cmd, tmp_path)
    ratio = app / bare
    with capsys.disabled():
        print(
            f"\n[startup work] instructions until the first screen is painted: bare PySide6 "
            f"window {bare / 1e6:.0f} M, assistant {app / 1e6:.0f} M, ratio {ratio:.3f} "
            f"(goal for the time <= {GOAL}; fails beyond {WORK_LIMIT})"
        )
    assert ratio <= WORK_LIMIT
