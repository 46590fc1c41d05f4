"""Files for the importer tests: CSV and XLSX bytes, and a good startup sheet."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from tests.support.factories import credit_code

STARTUP_HEADER = [
    "name",
    "name_en",
    "credit_code",
    "tech_area",
    "institution",
    "stage",
    "trl",
    "founded_on",
    "admitted_on",
    "registered_region",
]


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_startups() -> list[list]:
    """Three good rows (in Chinese, in English, and the fewest columns); they need an
    institution named 清华大学 / Tsinghua University."""
    return [
        STARTUP_HEADER,
        [
            "未磁科技",
            "Weici",
            credit_code(1),
            "sensing",
            "清华大学",
            "prototype",
            "5",
            "2020-06-01",
            "2021-01-10",
            "北京市海淀区",
        ],
        [
            "相干科技",
            "Coherent",
            credit_code(2),
            "Quantum computing",
            "Tsinghua University",
            "原型开发",
            "4",
            "2021-02-01",
            "2022-03-01",
            "北京市海淀区",
        ],
        ["科微量子", "", "", "communication", "", "lab", "2", "", "", ""],
    ]
