"""What the PDF renderer process runs (kokemus.pdf): WeasyPrint only, no Django to set up."""

import multiprocessing
import os
import threading

from weasyprint import HTML


def html_to_pdf(html: str, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url).write_pdf()


def exit_with_parent() -> None:
    """Run at the renderer's start: it ends when its server process ends, even when that
    process is killed (a gunicorn worker past its timeout) and cannot stop it."""
    parent = multiprocessing.parent_process()

    def wait_and_exit():
        parent.join()
        os._exit(0)

    threading.Thread(target=wait_and_exit, daemon=True).start()
