"""The README's performance tables, made from the JSON line ``python -m geo bench`` prints.

``python -m geo bench > bench.txt; python -m geo bench --markdown bench.txt [--write-readme]``:
the tables are printed, or written into README.md between ``START`` and ``END``, so the
figures there are always those of one run.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from geo.config import PROJECT_ROOT

START = "<!-- bench tables: python -m geo bench --markdown FILE --write-readme -->"
END = "<!-- /bench tables -->"


def _s(v) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def _mb(b) -> str:
    return "—" if not b else f"{b / 1e6:.2f} MB" if b < 10e6 else f"{b / 1e6:.1f} MB"


def _ratio(a, b) -> str:
    """ " (N×)" for how many times ``b`` is ``a``, or nothing."""
    if not a or not b:
        return ""
    r = b / a
    return f" ({r:.0f}×)" if r >= 10 else f" ({r:.1f}×)"


def _pair(ours, naive, fmt) -> str:
    if naive is None:
        return f"{fmt(ours)} (naive not measured)"
    return f"{fmt(ours)} / {fmt(naive)}{_ratio(ours, naive)}"


def app_table(result: dict) -> str:
    rows = ["| items | map build s (ours / naive) | payload (ours / naive) | filter change, server s | first load s "
            "| peak memory |", "| --- | --- | --- | --- | --- | --- |"]
    naive = result.get("naive") or {}
    for key, o in sorted((result.get("ours") or {}).items(), key=lambda kv: int(kv[0])):
        v = naive.get(key) or {}
        if o.get("error"):
            rows.append(f"| {int(key):,} | error: {o['error'][:80]} | | | | |")
            continue
        rows.append(f"| {int(key):,} | {_pair(o.get('build_s'), v.get('build_s'), _s)} "
                    f"| {_pair(o.get('payload_bytes'), v.get('payload_bytes'), _mb)} | {_s(o.get('filter_s'))} "
                    f"| {_s(o.get('load_s'))} | {_s(o.get('peak_mb'))} MB |")
    return "\n".join(rows)


def render_table(result: dict) -> str:
    rows = ["| items | `render_html` s (ours / naive) | file (ours / naive) | drawn in Chromium s "
            "| `python -m geo render` s |", "| --- | --- | --- | --- | --- |"]
    naive = result.get("naive") or {}
    for key, r in sorted((result.get("render") or {}).items(), key=lambda kv: int(kv[0])):
        v = naive.get(key) or {}
        if r.get("error"):
            rows.append(f"| {int(key):,} | error: {r['error'][:80]} | | | |")
            continue
        rows.append(f"| {int(key):,} | {_pair(r.get('render_s'), v.get('build_s'), _s)} "
                    f"| {_pair(r.get('bytes'), v.get('payload_bytes'), _mb)} | {_s(r.get('drawn_s'))} "
                    f"| {_s(r.get('cli_s'))} |")
    return "\n".join(rows)


def markdown(result: dict) -> str:
    parts = []
    load = result.get("load_average")
    if load:
        parts.append(f"One run on {result.get('cpus') or '?'} cores, load average {load[0]} at the start and "
                     f"{load[1]} at the end (other work on the machine makes every time longer; the ratios are "
                     "within the run).")
    if result.get("ours"):
        parts.append("The app:\n\n" + app_table(result))
    if result.get("render"):
        parts.append("The offline HTML map (`python -m geo render`, the 离线地图 download):\n\n" + render_table(result))
    if result.get("extract_chars_per_s"):
        parts.append(f"Extraction: {result['extract_chars_per_s']:,.0f} characters/s "
                     f"({_s(result.get('extract_s'))} s for a 20,000-character plan), gazetteer geocoding of its "
                     f"items {_s(result.get('geocode_s'))} s.")
    return "\n\n".join(parts)


def last_json_line(text: str) -> dict:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line (the last line of python -m geo bench) in the input")


def replace_block(readme: str, tables: str) -> str:
    if START not in readme or END not in readme:
        raise ValueError(f"README.md has no {START} … {END} block to replace")
    head, rest = readme.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{tables}\n{END}{tail}"


def run_markdown(source: Path, *, write_readme: bool = False, readme: Path = PROJECT_ROOT / "README.md") -> int:
    from geo.cli import CliError

    try:
        text = sys.stdin.read() if str(source) == "-" else source.read_text(encoding="utf-8")
        result = last_json_line(text)
    except (OSError, ValueError) as exc:
        raise CliError(f"{source}: {exc}; give the saved output of python -m geo bench") from None
    tables = markdown(result)
    if write_readme:
        try:
            readme.write_text(replace_block(readme.read_text(encoding="utf-8"), tables), encoding="utf-8")
        except ValueError as exc:
            raise CliError(str(exc)) from None
        print(f"{readme}: performance tables updated")
    else:
        print(tables)
    return 0
