"""Large parses run with the cyclic garbage collector paused; it always comes back as it was."""
from __future__ import annotations

import gc
import json
import threading

import pytest

from geo.validate_numbers import collector_paused, loads_marking


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_pause_is_reentrant_and_restores_the_collector():
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner pause ended while the outer one still runs"
    assert gc.isenabled()


def test_pause_leaves_a_collector_that_was_off_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_pause_ends_when_the_parse_raises():
    with pytest.raises(json.JSONDecodeError):
        loads_marking("[" + "1," * 600_000 + "oops]")
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_collector_on():
    inside, release = threading.Barrier(5), threading.Event()

    def parse():
        with collector_paused():
            inside.wait()
            release.wait(10)

    threads = [threading.Thread(target=parse) for _ in range(4)]
    for th in threads:
        th.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for th in threads:
        th.join()
    assert gc.isenabled()


def test_a_large_document_parses_as_json_does_and_bad_numbers_are_still_marked():
    items = [{"id": f"i{n}", "v": n / 7, "tags": ["a", {"b": [n, -n]}], "s": "规划" * 3} for n in range(40_000)]
    text = json.dumps(items, ensure_ascii=False)
    assert len(text) > 1_000_000  # over the size at which the collector is paused
    doc, marked = loads_marking(text)
    assert doc == json.loads(text) and not marked
    _, marked = loads_marking(text[:-1] + ', {"v": 1e999}]')
    assert marked
    assert gc.isenabled()
