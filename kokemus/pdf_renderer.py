"""The PDF renderer: WeasyPrint in a process of its own, and the client that talks to it.

kokemus.pdf renders every PDF here, not in the thread that serves the request: WeasyPrint holds
the interpreter lock for about half a second a PDF, which would stall the server process's
other threads (docs/performance.md "Load test").

The process is ``python -m kokemus.pdf_renderer`` with the caller's own interpreter: a fresh
interpreter that imports WeasyPrint and nothing of Django's, and never the module that started
it, so PDFs work from any entry point: gunicorn, manage.py, or a script without
``if __name__ == "__main__":`` (which multiprocessing's spawn would run again in its child).
It finds stylesheets and fonts as an in-process WeasyPrint would: the HTML's relative URLs
resolve against the base URL sent with it (kokemus.pdf sends static/ as a file: URL), fonts
through the system's fontconfig.

Protocol on the renderer's stdin and stdout: frames of a 4-byte big-endian length and a payload.
    request  two frames: the base URL, then the HTML (UTF-8)
    answer   any number of ``L`` + a log record as JSON (WeasyPrint's warnings and errors, such
             as a stylesheet it could not load, which the client logs in the server's log),
             then one ``P`` + the PDF, or ``E`` + the traceback of WeasyPrint's exception
The renderer takes one request at a time and exits as soon as its stdin closes, even in the
middle of a render: when the client retires it, and when the server process ends in any way,
SIGKILL included, because then no process holds the pipe's other end. Its stderr is the
caller's, so a renderer that crashes leaves its traceback in the server's log.
"""

import contextlib
import json
import logging
import os
import queue
import struct
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

COMMAND = (sys.executable, "-m", "kokemus.pdf_renderer")
# Where ``-m kokemus.pdf_renderer`` finds the package, whatever the caller's working directory.
PROJECT_DIR = Path(__file__).resolve().parent.parent
LOG, PDF, ERROR = b"L", b"P", b"E"
LENGTH = struct.Struct(">I")
# A retired renderer exits at once on the end of its stdin; one that does not is killed.
EXIT_SECONDS = 5
# How much lower than the server's the renderer's CPU priority is (Linux: 0 to 19).
NICENESS = 10


class RendererError(Exception):
    """No PDF: WeasyPrint failed on the HTML, or the renderer ended or took too long."""


class _Killed(RendererError):
    """The renderer was killed by a signal before it answered."""


class Renderer:
    """A renderer process, started on first use and shared by the threads of a server process.

    They take turns (a lock): one process renders one PDF at a time anyway. A renderer that has
    ended between PDFs is replaced before the next one; one that ends or takes longer than
    ``timeout`` seconds during a render is stopped, that request gets ``RendererError`` and the
    next one a fresh renderer. After ``renders_per_process`` PDFs a fresh renderer takes over,
    giving back the memory that WeasyPrint leaves behind.
    """

    def __init__(
        self, *, renders_per_process: int, timeout: float, command: Sequence[str] = COMMAND
    ):
        self.renders_per_process = renders_per_process
        self.timeout = timeout
        self.command = list(command)
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._renders = 0

    @property
    def pid(self) -> int | None:
        """The running renderer's process id, None before the first PDF or after close()."""
        process = self._process
        return None if process is None else process.pid

    def html_to_pdf(self, html: str, base_url: str) -> bytes:
        request = (base_url.encode(), html.encode())
        with self._lock:
            kind, payload = self._answer(request)
            self._renders += 1
            if self._renders >= self.renders_per_process:
                self._stop()
        if kind == ERROR:
            raise RendererError(f"WeasyPrint could not render the PDF:\n{payload.decode()}")
        return payload

    def close(self) -> None:
        """Stop the renderer (the next PDF starts a new one)."""
        with self._lock:
            self._stop()

    def _answer(self, request: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
        # A renderer that ended before it read the request cannot have rendered it, and one
        # killed from outside (an operator, the OOM killer) may not yet show as ended when the
        # request goes to it: either way, once more with a new renderer.
        for attempt in range(2):
            try:
                return self._exchange(self._running(), request)
            except BrokenPipeError:
                continue
            except _Killed:
                if attempt:
                    raise
        raise RendererError("The PDF renderer ended before it read the request.")

    def _running(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is not None:
            self._stop()  # ended since its last PDF (killed, out of memory): a new one
        if self._process is None:
            self._process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=PROJECT_DIR
            )
            self._renders = 0
        return self._process

    def _exchange(
        self, process: subprocess.Popen, request: tuple[bytes, bytes]
    ) -> tuple[bytes, bytes]:
        """The renderer's answer to the request, its log records logged here on the way."""
        started = time.monotonic()
        # Killing it ends its stdout, and so the wait for its answer.
        deadline = threading.Timer(self.timeout, process.kill)
        deadline.daemon = True
        deadline.start()
        try:
            write_frames(process.stdin, *request)
            while (frame := read_frame(process.stdout)) is not None and frame[:1] == LOG:
                _log(frame[1:])
        except BaseException:
            self._stop()  # broken off midway, the next answer would be this one's rest
            raise
        finally:
            deadline.cancel()
        if frame is not None and frame[:1] in (PDF, ERROR):
            return frame[:1], frame[1:]
        self._stop()
        if time.monotonic() - started >= self.timeout:
            raise RendererError(
                f"The PDF renderer took longer than {self.timeout:g} s and was stopped."
            )
        ended = _Killed if process.returncode < 0 else RendererError
        raise ended(f"The PDF renderer ended during the render (exit status {process.returncode}).")

    def _stop(self) -> None:
        """End of stdin: the renderer exits; wait for it, so that no zombie stays behind."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(BrokenPipeError):  # flushing what a dead renderer never read
            process.stdin.close()
        try:
            process.wait(EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _log(record: bytes) -> None:
    fields = json.loads(record)
    logging.getLogger(fields["name"]).log(fields["level"], "%s", fields["message"])


def write_frames(stream: BinaryIO, *payloads: bytes) -> None:
    for payload in payloads:
        stream.write(LENGTH.pack(len(payload)))
        stream.write(payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's payload; None when the stream ends, also inside a frame (the writer
    ended)."""
    header = stream.read(LENGTH.size)
    if len(header) < LENGTH.size:
        return None
    (length,) = LENGTH.unpack(header)
    payload = stream.read(length)
    return payload if len(payload) == length else None


# The renderer process ------------------------------------------------------------------------


def main() -> None:
    # A PDF takes a second of CPU, a page some milliseconds: on a busy server the pages go
    # first, and the renderer takes what CPU they leave (docs/performance.md "Load test").
    os.nice(NICENESS)
    answers = _protocol_stream()
    _report_logs_and_warnings(answers)
    from weasyprint import HTML  # after the line above, which the import's warnings then meet

    requests = queue.SimpleQueue()
    threading.Thread(target=_take_requests, args=(requests,), daemon=True).start()
    while True:
        base_url, html = requests.get()
        try:
            pdf = HTML(string=html.decode(), base_url=base_url.decode()).write_pdf()
        except Exception:
            write_frames(answers, ERROR + traceback.format_exc().encode())
        else:
            write_frames(answers, PDF + pdf)


def _take_requests(requests: queue.SimpleQueue) -> None:
    """Hand each request to the main thread; at the end of stdin, end the process at once,
    also in the middle of a render: the client retired it or the server process ended."""
    while True:
        base_url, html = read_frame(sys.stdin.buffer), read_frame(sys.stdin.buffer)
        if html is None:
            os._exit(0)
        requests.put((base_url, html))


def _protocol_stream() -> BinaryIO:
    """stdout for the answers alone: what else would print there goes to stderr instead."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return answers


class _ToClient(logging.Handler):
    def __init__(self, answers: BinaryIO):
        super().__init__(logging.WARNING)
        self.answers = answers

    def emit(self, record: logging.LogRecord) -> None:
        fields = {"name": record.name, "level": record.levelno, "message": self.format(record)}
        write_frames(self.answers, LOG + json.dumps(fields).encode())


def _report_logs_and_warnings(answers: BinaryIO) -> None:
    """WeasyPrint's warnings and errors go to the client, which logs them in the server's log.
    Python's warnings go there too, as log records, never as exceptions: a ``-W error`` or
    PYTHONWARNINGS that a test run or a script sets must not fail a user's PDF."""
    warnings.simplefilter("default")
    logging.captureWarnings(True)
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    root.addHandler(_ToClient(answers))


if __name__ == "__main__":
    main()
