"""Reading back the PDFs the program writes (poppler's pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def pdf_text(path: Path) -> str:
    """The text of a PDF file, laid out as on the page."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "poppler-utils (pdftotext) is needed"
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
