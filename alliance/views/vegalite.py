"""Vega-Lite specs to SVG and PNG with vl-convert, in a worker process.

vl-convert holds Python's GIL for a whole conversion: about 0.1 s, and 1 s for the first while
its JavaScript engine starts. In the server's process that froze every session meanwhile, their
messages and the static files a map being loaded waits for (the Présentation's first slide
painted ~0.6 s later on a fresh server). One long-lived worker (`python -m
alliance.views.vegalite`) does the conversions, one at a time; the asking thread waits for its
answer without holding the GIL. Requests and answers are JSON lines on its stdin and stdout.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from typing import IO, Any

from alliance.paths import ROOT


class ConversionError(ValueError):
    """vl-convert refused a spec, or its worker stopped."""


class _Worker:
    """The worker process, started on first use (or by `start`) and again if it has stopped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None

    def _running(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
                env=env,
            )
        return self._process

    def start(self) -> None:
        """Start the worker now if it is not running (its engine then warms up in parallel)."""
        with self._lock:
            self._running()

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            process = self._running()
            stdin, stdout = process.stdin, process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(json.dumps(request) + "\n")
                stdin.flush()
                line = stdout.readline()
            except OSError:
                line = ""
            if not line:
                process.kill()
                self._process = None
                raise ConversionError("le convertisseur de graphiques (vl-convert) s'est arrêté")
        answer = json.loads(line)
        if "error" in answer:
            raise ConversionError(answer["error"])
        return answer


_WORKER = _Worker()


def start() -> None:
    """Start the worker ahead of a conversion (non-blocking)."""
    _WORKER.start()


def to_svg(spec: dict) -> str:
    """The SVG of a Vega-Lite spec."""
    return _WORKER.ask({"to": "svg", "spec": spec})["svg"]


def to_png(spec: dict, scale: float = 2) -> bytes:
    """The PNG of a Vega-Lite spec, `scale` times its size."""
    return base64.b64decode(_WORKER.ask({"to": "png", "spec": spec, "scale": scale})["png"])


def serve(requests: IO[str], answers: IO[str]) -> None:
    """The worker's loop: one JSON request per line in, one JSON answer per line out."""
    import vl_convert as vlc

    for line in requests:
        request = json.loads(line)
        try:
            if request["to"] == "svg":
                answer = {"svg": vlc.vegalite_to_svg(request["spec"])}
            else:
                png = vlc.vegalite_to_png(request["spec"], scale=request["scale"])
                answer = {"png": base64.b64encode(png).decode("ascii")}
        except Exception as exc:  # a refused spec is the asker's error, not the worker's end
            answer = {"error": str(exc)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    # Answers go to the original stdout; anything the converter itself prints goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin, answers)
