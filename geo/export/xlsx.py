"""Excel export (openpyxl): Chinese headers, typed numbers, text cells that can never run as formulas."""
from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from geo.export import in_datum
from geo.export.csvfile import rows
from geo.export.fields import DATUM_NOTES, neutralise_formula
from geo.store.atomic import atomic_write_bytes

SHEET_TITLE = "项目"
ABOUT_TITLE = "说明"


def dumps(features: list[dict], datum: str = "wgs84", source: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    for r, row in enumerate(rows(in_datum(features, datum), datum), start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                # Same rule as CSV, and typed as a string so openpyxl never stores a formula.
                cell = ws.cell(row=r, column=c)
                cell.value = neutralise_formula(value)
                cell.data_type = "s"
            elif value is not None:
                ws.cell(row=r, column=c, value=value)
    ws.freeze_panes = "C2"
    for c in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14
    about = wb.create_sheet(ABOUT_TITLE)
    for r, (k, v) in enumerate((("坐标系", DATUM_NOTES[datum]), ("数据来源", source or ""),
                                ("条目数", len(features))), start=1):
        about.cell(row=r, column=1, value=k)
        cell = about.cell(row=r, column=2, value=neutralise_formula(v) if isinstance(v, str) else v)
        if isinstance(v, str):
            cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write(features: list[dict], path: Path, *, datum: str = "wgs84", source: str | None = None) -> list[Path]:
    atomic_write_bytes(path, dumps(features, datum, source))
    return [path]
