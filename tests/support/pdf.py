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


# --------------------------------------------------------------------------------------------
# small PDF files made by the tests (a document the patient received)

_PADDING = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)  # the password padding of the PDF standard security handler


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def small_pdf(title: str = "", text: str = "Hello", *, password: str = "") -> bytes:
    """A one-page PDF with ``text`` on it and ``title`` in its information; with
    ``password``, locked by the standard security handler (revision 2, RC4 40 bits): a viewer
    asks for the password before it opens it."""
    import hashlib

    stream = f"BT /F1 24 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) >>".encode("latin-1"),
    ]
    file_id = hashlib.md5(b"dossier-assistant test").digest()
    trailer = b"/Info 6 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    if password:
        user = (password.encode("latin-1") + _PADDING)[:32]
        owner_key = hashlib.md5(user).digest()[:5]
        o_value = _rc4(owner_key, user)
        permissions = -4
        key = hashlib.md5(
            user + o_value + permissions.to_bytes(4, "little", signed=True) + file_id
        ).digest()[:5]
        u_value = _rc4(key, _PADDING)
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
            % (o_value.hex().encode(), u_value.hex().encode(), permissions)
        )
        trailer += b" /Encrypt 7 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)
