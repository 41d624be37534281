"""The README's performance tables come from one bench run's JSON line (python -m geo bench --markdown)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.bench import report
from geo.cli import CliError

ROOT = Path(__file__).resolve().parent.parent

RESULT = {
    "ours": {"1000": {"build_s": 0.2, "payload_bytes": 620_000, "filter_s": 0.15, "peak_mb": 230.0, "load_s": 0.7},
             "100000": {"build_s": 0.87, "payload_bytes": 180_000, "filter_s": 0.87, "peak_mb": 818.0, "load_s": 4.3}},
    "naive": {"1000": {"build_s": 1.6, "payload_bytes": 1_400_000},
              "100000": {"build_s": None, "payload_bytes": None, "skipped": "not measured"}},
    "render": {"1000": {"render_s": 0.08, "bytes": 630_000, "cli_s": 1.9, "drawn_s": 0.8},
               "100000": {"render_s": 3.1, "bytes": 3_340_000, "cli_s": 7.5, "drawn_s": 1.4}},
    "extract_chars_per_s": 29_700, "extract_s": 0.67, "geocode_s": 0.04, "load_average": [0.4, 1.2], "cpus": 2,
}


def test_tables_hold_the_figures_and_ratios_of_the_run():
    text = report.markdown(RESULT)
    assert "| 1,000 | 0.20 / 1.60 (8.0×) | 0.62 MB / 1.40 MB (2.3×) | 0.15 | 0.70 | 230 MB |" in text
    assert "| 100,000 | 0.87 (naive not measured) | 0.18 MB (naive not measured) |" in text
    assert "| 1,000 | 0.08 / 1.60 (20×) | 0.63 MB / 1.40 MB (2.2×) | 0.80 | 1.90 |" in text
    assert "| 100,000 | 3.10 (naive not measured) | 3.34 MB (naive not measured) | 1.40 | 7.50 |" in text
    assert "29,700 characters/s" in text
    assert "2 cores, load average 0.4 at the start and 1.2 at the end" in text


def test_write_readme_replaces_only_the_marked_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\nbefore\n\n{report.START}\nold table\n{report.END}\n\nafter\n", encoding="utf-8")
    saved = tmp_path / "bench.txt"
    saved.write_text("progress lines\n" + json.dumps(RESULT) + "\n", encoding="utf-8")
    assert report.run_markdown(saved, write_readme=True, readme=readme) == 0
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text and "before" in text and "after" in text
    assert text.count(report.START) == 1 and "| 1,000 | 0.08 / 1.60 (20×)" in text
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(CliError, match="no <!-- bench tables"):
        report.run_markdown(saved, write_readme=True, readme=readme)


def test_the_projects_readme_has_the_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert report.START in text and report.END in text


def test_markdown_from_a_file_without_the_json_line_is_one_clear_line(tmp_path):
    bad = tmp_path / "bench.txt"
    bad.write_text("no json here\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "geo", "bench", "--markdown", str(bad)], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no JSON line" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
