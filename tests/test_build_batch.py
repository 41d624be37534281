"""Building many plans in one run: progress for each, one bad file never stops the batch."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from geo.build import build_plans
from geo.store import FileStore

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "data" / "places.geojson"

TEMPLATE = "{town}{year}年工作计划\n\n(一)基础设施\n新建{town}农村公路{km}公里。完成{name}水库除险加固。新建5G基站{n}个以上。\n"


def make_batch(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    towns = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"]
    paths = []
    for i in range(count):
        town = towns[i % len(towns)] + "山镇"
        text = TEMPLATE.format(town=town, year=2010 + i, km=i + 2, name=towns[(i + 3) % len(towns)] + "坑", n=10 + i)
        path = folder / f"plan-{i:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_batch_builds_every_plan_and_reports_progress(tmp_path):
    plans = make_batch(tmp_path / "plans", 12)
    (tmp_path / "plans" / "broken.txt").write_bytes(b"\x00\x01\x02\x03 not text")
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    shutil.copy(PLACES, store_dir / "places.geojson")
    seen = []
    reports = build_plans([tmp_path / "plans"], store_dir / "projects.geojson",
                          progress=lambda done, total, path, report: seen.append((done, total, path.name)))
    assert [d for d, _, _ in seen] == list(range(1, 14))
    assert all(total == 13 for _, total, _ in seen)
    bad = [r for r in reports if r.problems]
    assert len(bad) == 1 and "broken" in bad[0].problems[0].line()
    items = FileStore(store_dir).load()
    assert {f["properties"]["plan"] for f in items} == {p.stem for p in plans}
    assert all(r.items >= 3 for r in reports if not r.problems)


def test_batch_cli_prints_a_progress_bar_and_a_summary(tmp_path):
    make_batch(tmp_path / "plans", 3)
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    shutil.copy(PLACES, store_dir / "places.geojson")
    proc = subprocess.run([sys.executable, "-m", "geo", "build", str(tmp_path / "plans"),
                           "-o", str(store_dir / "projects.geojson")], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "3/3" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("3 plans,")
    doc = json.loads((store_dir / "projects.geojson").read_text(encoding="utf-8"))
    assert len({f["properties"]["plan"] for f in doc["features"]}) == 3
