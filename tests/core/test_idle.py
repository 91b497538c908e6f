"""The inactivity lock with a fake clock, and the session wipe list."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.idle import IdlePhase, IdleStatus, IdleTimer, ResetReason
from assistant.wipe import WipeList, zero_bytes


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Recorder:
    def __init__(self) -> None:
        self.warnings: list[float] = []
        self.resets: list[ResetReason] = []
        self.extends = 0

    def timer(self, clock: FakeClock, timeout: float = 120, warning: float = 30) -> IdleTimer:
        return IdleTimer(
            timeout,
            warning,
            clock=clock,
            on_warning=self.warnings.append,
            on_reset=self.resets.append,
            on_extend=self._extend,
        )

    def _extend(self) -> None:
        self.extends += 1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


def test_warning_then_reset(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    clock.advance(89.9)
    assert t.poll().phase is IdlePhase.ACTIVE
    assert t.seconds_to_next_change() == pytest.approx(0.1)
    clock.advance(0.1)
    status = t.poll()
    assert status.phase is IdlePhase.WARNING
    assert rec.warnings == [pytest.approx(30.0)]
    assert status.whole_seconds_left == 30
    clock.advance(10.5)
    assert t.poll().whole_seconds_left == 20  # 19.5 rounds up
    assert t.seconds_to_next_change() == pytest.approx(19.5)
    assert rec.warnings == [pytest.approx(30.0)]  # the warning fires once
    clock.advance(19.5)
    assert t.poll().phase is IdlePhase.STOPPED
    assert rec.resets == [ResetReason.IDLE]
    clock.advance(500)
    t.poll()
    assert rec.resets == [ResetReason.IDLE]  # once; stopped until the next start


def test_activity_postpones_the_warning(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    for _ in range(10):
        clock.advance(80)
        assert t.activity()
        t.poll()
    assert rec.warnings == [] and rec.resets == []


def test_stray_touch_during_warning_does_not_extend(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    clock.advance(95)
    t.poll()
    assert t.phase is IdlePhase.WARNING
    assert not t.activity()
    clock.advance(25)
    t.poll()
    assert rec.resets == [ResetReason.IDLE]


def test_still_here_extends_fully(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    clock.advance(100)
    t.poll()
    assert t.phase is IdlePhase.WARNING
    assert t.still_here()
    assert rec.extends == 1
    assert t.phase is IdlePhase.ACTIVE
    clock.advance(89)
    assert t.poll().phase is IdlePhase.ACTIVE
    clock.advance(1)
    assert t.poll().phase is IdlePhase.WARNING
    assert len(rec.warnings) == 2
    assert rec.resets == []


def test_still_here_too_late(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    clock.advance(100)
    t.poll()
    clock.advance(30)  # the reset is due but nobody polled yet
    assert not t.still_here()
    assert rec.resets == [ResetReason.IDLE]
    assert rec.extends == 0


def test_card_removal_resets_at_once(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    clock.advance(5)
    t.card_removed()
    assert rec.resets == [ResetReason.CARD_REMOVED]
    assert rec.warnings == []
    assert not t.running
    t.card_removed()  # nothing running: no second reset
    assert rec.resets == [ResetReason.CARD_REMOVED]


def test_reset_now_and_stop(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.reset_now(ResetReason.FINISHED)
    assert rec.resets == []  # not started
    t.start()
    t.reset_now(ResetReason.STAFF)
    assert rec.resets == [ResetReason.STAFF]
    t.start()
    t.stop()
    clock.advance(1000)
    assert t.poll() == IdleStatus(IdlePhase.STOPPED, None)
    assert t.seconds_to_next_change() is None
    assert rec.resets == [ResetReason.STAFF]


def test_clock_jump_past_warning_still_resets(clock: FakeClock, rec: Recorder) -> None:
    t = rec.timer(clock)
    t.start()
    clock.advance(10_000)
    t.poll()
    assert rec.resets == [ResetReason.IDLE]


@pytest.mark.parametrize(("timeout", "warning"), [(120, 19.9), (120, 0), (30, 30), (20, 25)])
def test_warning_of_at_least_20_seconds(timeout: float, warning: float) -> None:
    with pytest.raises(ValueError):
        IdleTimer(timeout, warning)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=21, max_value=600),
    st.floats(min_value=20, max_value=60),
    st.lists(st.tuples(st.sampled_from(["tick", "touch", "still"]), st.floats(0, 50)), max_size=40),
)
def test_never_reset_without_a_full_warning(
    timeout: float, warning: float, events: list[tuple[str, float]]
) -> None:
    """Property: with polls at least every second, an idle reset always follows a warning
    shown for at least ``warning`` seconds, and a reset only happens after ``timeout``."""
    if timeout <= warning:
        timeout = warning + 1
    clock = FakeClock()
    warned_at: list[float] = []
    resets: list[float] = []
    t = IdleTimer(
        timeout,
        warning,
        clock=clock,
        on_warning=lambda _left: warned_at.append(clock.now),
        on_reset=lambda _r: resets.append(clock.now),
    )
    t.start()
    last_activity = clock.now
    for kind, dt in events:
        # advance in steps of at most 1 s with a poll each, like the UI does
        while dt > 0:
            step = min(1.0, dt)
            clock.advance(step)
            dt -= step
            t.poll()
        if not t.running:
            break
        if kind == "touch" and t.activity():
            last_activity = clock.now
        elif kind == "still" and t.still_here():
            last_activity = clock.now
    if resets:
        assert warned_at, "reset without a warning"
        assert resets[0] - warned_at[-1] >= warning - 1.0 - 1e-6
        assert resets[0] - last_activity >= timeout - 1e-6


# --- wipe list ------------------------------------------------------------------------------


def test_wipe_list_calls_all_even_when_one_fails() -> None:
    calls: list[str] = []
    wl = WipeList()
    wl.add("first", lambda: calls.append("first"))

    def broken() -> None:
        raise RuntimeError("boom")

    wl.add("broken", broken)
    wl.add("last", lambda: calls.append("last"))
    assert len(wl) == 3
    assert wl.wipe_all() == 1
    assert calls == ["last", "first"]
    assert len(wl) == 0
    assert wl.wipe_all() == 0


def test_zero_bytes() -> None:
    buf = bytearray(b"1234")
    zero_bytes(buf)
    assert buf == bytearray(4)
