"""The vl-convert worker: same images as vl-convert in the process, without holding the GIL."""

import threading
import time

import pytest

from alliance.views import vegalite

SPEC = {
    "data": {"values": [{"territoire": f"EPCI {i}", "n": i * i} for i in range(30)]},
    "mark": "bar",
    "encoding": {"x": {"field": "territoire", "type": "nominal"}, "y": {"field": "n", "type": "quantitative"}},
}


def test_the_worker_draws_what_vl_convert_draws_in_the_process():
    import vl_convert as vlc

    assert vegalite.to_svg(SPEC) == vlc.vegalite_to_svg(SPEC)
    png = vegalite.to_png(SPEC, scale=2)
    assert png.startswith(b"\x89PNG") and png == vlc.vegalite_to_png(SPEC, scale=2)


def test_the_server_keeps_running_python_while_a_chart_is_converted():
    """vl-convert in the process held the GIL for the whole conversion: this thread would not
    have run once before it ended."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (vegalite.to_svg(SPEC), done.set()))
    turns = 0
    thread.start()
    while not done.is_set():
        turns += 1
        time.sleep(0.001)
    thread.join()
    assert turns > 10


def test_a_refused_spec_is_an_error_and_the_worker_goes_on():
    with pytest.raises(vegalite.ConversionError, match="conversion failed"):
        vegalite.to_svg({"mark": "nonsense"})
    assert vegalite.to_svg(SPEC).startswith("<svg")


def test_a_stopped_worker_is_started_again():
    vegalite.start()
    process = vegalite._WORKER._process
    assert process is not None
    process.kill()
    process.wait()
    assert vegalite.to_svg(SPEC).startswith("<svg")
    assert vegalite._WORKER._process is not process
