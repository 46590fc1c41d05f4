"""A small, valid one-page PDF made in code: the demo's illustrative evidence file (no
document is shipped with the demo; this one says on its face that it is invented)."""

from __future__ import annotations


def illustrative_pdf(title: str) -> bytes:
    """A one-page PDF reading "ILLUSTRATIVE demo evidence" and ``title`` (ASCII only: the
    built-in Helvetica has no Chinese glyphs)."""
    safe = "".join(ch for ch in title if 32 <= ord(ch) < 127 and ch not in "()\\") or "milestone"
    text = (
        "BT /F1 18 Tf 72 720 Td (ILLUSTRATIVE demo evidence - not a real document) Tj "
        f"0 -28 Td /F1 12 Tf ({safe}) Tj ET"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    size = len(objects) + 1
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
