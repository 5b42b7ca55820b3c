"""The clock's scenario context: an offset per scenario, held in a context variable."""

import datetime as dt
import threading

from partnercenter import clock

from .conftest import MONDAY

DAY = dt.timedelta(days=1)


def test_outside_any_scenario_now_is_the_real_clock(frozen):
    assert clock.now() == clock.real_now() == MONDAY
    assert clock.scenario_key() is None and clock.scenario_offset() == dt.timedelta(0)


def test_a_scenario_context_adds_its_offset_nests_and_restores(frozen):
    with clock.scenario_context("a", 5 * DAY):
        assert clock.now() == MONDAY + 5 * DAY and clock.real_now() == MONDAY
        assert clock.scenario_key() == "a"
        with clock.scenario_context("b", DAY):
            assert clock.now() == MONDAY + DAY and clock.scenario_key() == "b"
        with clock.scenario_context(None):
            assert clock.now() == MONDAY and clock.scenario_key() is None
        assert clock.now() == MONDAY + 5 * DAY
    assert clock.now() == MONDAY and clock.scenario_key() is None


def test_the_context_is_restored_when_the_block_raises(frozen):
    try:
        with clock.scenario_context("a", DAY):
            raise RuntimeError
    except RuntimeError:
        pass
    assert clock.scenario_key() is None and clock.now() == MONDAY


def test_a_frozen_clock_keeps_the_scenario_offset():
    with clock.scenario_context("a", 3 * DAY), clock.frozen_at(MONDAY):
        assert clock.now() == MONDAY + 3 * DAY


def test_another_thread_does_not_see_this_threads_scenario(frozen):
    seen = []
    with clock.scenario_context("a", 3 * DAY):
        thread = threading.Thread(target=lambda: seen.append((clock.scenario_key(), clock.now())))
        thread.start()
        thread.join()
    assert seen == [(None, MONDAY)]
