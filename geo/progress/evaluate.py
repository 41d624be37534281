"""``python -m geo progress-eval [DIR]``: how well later documents are matched to the items of their plan.

Each labelled pair (``labels.json`` in DIR, default ``tests/progress_docs``) is a plan and a later
document of the same (fictional) town, with the plan items the document reports on, their status
after it and the amount done, and the works it reports that the plan does not have. For each
pair the plan is built into a throwaway store, the document is reviewed exactly as
``python -m geo progress`` does, and the proposals are scored:

- match precision: proposals for existing items that are about a labelled item, with evidence
  where the label says; recall: labelled items that got such a proposal;
- status accuracy: of the correct matches, how many propose the labelled status;
- progress accuracy: of the correct matches with a labelled amount, how many propose it;
- changes to unmentioned items: proposals that would change an item the document does not
  report on (the target is 0);
- new items: proposals of new items whose evidence is a labelled new work.

Two stores are scored: the plan as the extractor reads it ("extracted"), and the plan after
a reviewer has added the clauses the extractor missed, with the plan page's own function
("reviewed"), which measures the matching alone. Pairs marked ``held_out`` were written and
labelled before the rules saw them and are pooled apart; those also marked
``corrected_after_first_run`` had their misses corrected in general rules after their first
run, so "untouched" pools the held-out pairs the rules were never changed for. The last line
is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from geo import config

DEFAULT_DIR = config.PROJECT_ROOT / "tests" / "progress_docs"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_DIR),
                        help="folder with labels.json and the documents it names (default: tests/progress_docs)")
    parser.add_argument("--pair", action="append", default=[], help="score only this pair (repeatable)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and false match")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    status_ok: int = 0
    progress_ok: int = 0
    progress_total: int = 0
    unmentioned_changes: int = 0
    new_tp: int = 0
    new_predicted: int = 0
    new_labelled: int = 0
    new_found: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("tp", "fp", "fn", "status_ok", "progress_ok", "progress_total", "unmentioned_changes",
                     "new_tp", "new_predicted", "new_labelled", "new_found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def status_accuracy(self) -> float:
        return self.status_ok / self.tp if self.tp else 0.0

    @property
    def progress_accuracy(self) -> float | None:
        return self.progress_ok / self.progress_total if self.progress_total else None

    def figures(self) -> dict:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "status_accuracy": round(self.status_accuracy, 3),
                "progress_accuracy": None if self.progress_accuracy is None else round(self.progress_accuracy, 3),
                "matched": self.tp, "false_matches": self.fp, "missed": self.fn,
                "unmentioned_changes": self.unmentioned_changes,
                "new_precision": round(self.new_tp / self.new_predicted, 3) if self.new_predicted else None,
                "new_recall": round(self.new_found / self.new_labelled, 3) if self.new_labelled else None}

    def line(self) -> str:
        f = self.figures()
        prog = "-" if f["progress_accuracy"] is None else f"{f['progress_accuracy']:.2f}"
        newp = "-" if f["new_precision"] is None else f"{f['new_precision']:.2f}"
        newr = "-" if f["new_recall"] is None else f"{f['new_recall']:.2f}"
        return (f"precision {f['precision']:.2f}  recall {f['recall']:.2f}  status {f['status_accuracy']:.2f}  "
                f"progress {prog}  unmentioned changed {f['unmentioned_changes']}  "
                f"new items precision {newp} recall {newr}  ({self.tp} matched, {self.fp} false, {self.fn} missed)")


_AGGREGATE_ORDER = ("completed", "in_progress", "suspended", "planned", "proposed")


def _aggregate(statuses: list[str]) -> str:
    """Expected status of an item several labels fall on (one item for three 小区): done only when all are."""
    s = set(statuses)
    if len(s) == 1:
        return statuses[0]
    if s & {"completed", "in_progress"}:
        return "in_progress"
    return next(x for x in _AGGREGATE_ORDER if x in s)


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, at = [], text.find(needle)
    while at != -1:
        out.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _build_store(folder: Path, pair: dict, reviewed: bool, tmp: Path):
    from geo.corrections import item_from_clause
    from geo.extract import extract_file
    from geo.store import open_store

    plan_doc, items = extract_file(folder / pair["plan"])
    features = []
    for props in items:
        features.append({"type": "Feature", "id": props["id"], "geometry": None, "properties": dict(props)})
    store = open_store(tmp)
    store.merge_extracted(features, user="build")
    plans = tmp / "plans"  # where the build keeps plan texts, so that proposals can read the plan's sentences
    plans.mkdir(exist_ok=True)
    source = folder / pair["plan"]
    (plans / f"{plan_doc.plan_id}{source.suffix}").write_bytes(source.read_bytes())
    if reviewed:
        added = []
        for label in pair["matches"]:
            sub = label["plan"]
            at = plan_doc.text.find(sub)
            covered = any(_overlaps(tuple(f["properties"]["span"]), (at, at + len(sub))) for f in features + added)
            if covered:
                continue
            feature = item_from_clause(plan_doc.text, sub, plan={"plan": plan_doc.plan_id, "town": plan_doc.town,
                                                                 "county": plan_doc.county, "year": plan_doc.year},
                                       name=sub, category=label.get("category", "other"), status="planned")
            feature["properties"]["version"] = 0
            added.append(feature)
        if added:
            store.save_items(added, user="reviewer")
    return plan_doc, store


def score_pair(folder: Path, pair: dict, *, reviewed: bool) -> Score:
    from geo.progress import ProgressError, propose, read_file

    score = Score()
    with tempfile.TemporaryDirectory(prefix="geo-progress-eval-") as tmp:
        plan_doc, store = _build_store(folder, pair, reviewed, Path(tmp))
        stored = store.load()
        spans = {f["id"]: tuple(f["properties"]["span"]) for f in stored}
        document = read_file(folder / pair["document"])
        try:
            review = propose(store, document)
        except ProgressError as exc:
            score.notes.append(f"no review: {exc}")
            review = None
    text = document.text

    # labelled items: plan substring → the stored item it falls on
    expected: dict[str, dict] = {}
    missing_from_store = []
    for label in pair["matches"]:
        at = plan_doc.text.find(label["plan"])
        want = (at, at + len(label["plan"]))
        best, best_overlap = None, 0
        for item_id, (s, e) in spans.items():
            ov = min(e, want[1]) - max(s, want[0])
            if ov > best_overlap:
                best, best_overlap = item_id, ov
        if best is None:
            missing_from_store.append(label)
            if not label.get("optional"):
                score.notes.append(f"not in the store (the extractor missed it): {label['plan']}")
            continue
        docs = label["document"] if isinstance(label["document"], list) else [label["document"]]
        e = expected.setdefault(best, {"statuses": [], "spans": [], "optional": True, "progress": [], "plan": []})
        e["statuses"].append(label["status"])
        e["spans"].extend(span for d in docs for span in _occurrences(text, d))
        e["optional"] = e["optional"] and bool(label.get("optional"))
        e["plan"].append(label["plan"])
        if label.get("progress") is not None:
            e["progress"].append(float(label["progress"]))

    predicted = {} if review is None else {p.item_id: p for p in review.proposals if p.action != "new"}
    for item_id, e in expected.items():
        p = predicted.get(item_id)
        if p is None:
            if not e["optional"]:
                score.fn += 1
                score.notes.append(f"missed: {' / '.join(e['plan'])}")
            continue
        spans_p = [(ev.start, ev.end) for ev in [p.evidence] + p.more_evidence]
        if not any(_overlaps(a, b) for a in spans_p for b in e["spans"]):
            if not e["optional"]:
                score.fp += 1
                score.fn += 1
                score.notes.append(f"wrong evidence for {' / '.join(e['plan'])}: {p.evidence.quote[:60]}")
            continue
        if e["optional"]:
            continue
        score.tp += 1
        final = p.status or p.status_before
        want = _aggregate(e["statuses"])
        if final == want:
            score.status_ok += 1
        else:
            score.notes.append(f"status of {' / '.join(e['plan'])}: {final} (expected {want}; "
                               f"{p.explanation}; “{p.evidence.quote[:50]}”)")
        if e["progress"]:
            score.progress_total += 1
            if p.progress is not None and abs(float(p.progress) - e["progress"][0]) < 1e-6:
                score.progress_ok += 1
            else:
                score.notes.append(f"progress of {' / '.join(e['plan'])}: {p.progress} (expected {e['progress'][0]})")
    for item_id, p in predicted.items():
        if item_id in expected:
            continue
        score.fp += 1
        if p.changes:
            score.unmentioned_changes += 1
        score.notes.append(f"false match: {p.name} ← “{p.evidence.quote[:60]}” ({p.evidence.reason})")

    new_labels = [(n, _occurrences(text, n["document"])) for n in pair.get("new", [])]
    # a labelled item the store does not hold is, for this store, a new work of the document
    absent = [(label, [sp for d in (label["document"] if isinstance(label["document"], list) else [label["document"]])
                       for sp in _occurrences(text, d)]) for label in missing_from_store]
    # an optional match (a restated target a reader may take as new) is not held against a new item either
    absent += [(label, [sp for d in (label["document"] if isinstance(label["document"], list) else [label["document"]])
                        for sp in _occurrences(text, d)]) for label in pair["matches"] if label.get("optional")]
    score.new_labelled = len(new_labels)
    news = [] if review is None else review.new_items
    score.new_predicted = len(news)
    hit_labels = set()
    for p in news:
        spans_p = [(ev.start, ev.end) for ev in [p.evidence] + p.more_evidence]
        hits = [i for i, (_, occ) in enumerate(new_labels) if any(_overlaps(a, b) for a in spans_p for b in occ)]
        if hits:
            score.new_tp += 1
            hit_labels.update(hits)
        elif any(_overlaps(a, b) for a in spans_p for _, occ in absent for b in occ):
            score.new_predicted -= 1  # right for this store, but not counted: the label is a plan item
        else:
            score.notes.append(f"new item not labelled new: {p.name}")
    score.new_found = len(hit_labels)
    for i, (n, _) in enumerate(new_labels):
        if i not in hit_labels:
            score.notes.append(f"new work not proposed: {n['document']}")
    return score


def run(args) -> int:
    from geo.cli import CliError

    folder = Path(args.folder)
    try:
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(f"{folder / 'labels.json'}: no labels here; give the folder of labelled pairs") from None
    except json.JSONDecodeError as exc:
        raise CliError(f"{folder / 'labels.json'}: not valid JSON at line {exc.lineno}; fix the labels") from None
    pairs = [p for p in labels["pairs"] if not args.pair or p["name"] in args.pair]
    results: dict = {}
    for mode in ("reviewed", "extracted"):
        pooled = {"development": Score(), "held_out": Score(), "untouched": Score()}
        print(f"== store: plan {'after review (missed clauses added by a reviewer)' if mode == 'reviewed' else 'as extracted'}")
        for pair in pairs:
            s = score_pair(folder, pair, reviewed=mode == "reviewed")
            group = "held_out" if pair.get("held_out") else "development"
            pooled[group].add(s)
            untouched = pair.get("held_out") and not pair.get("corrected_after_first_run")
            if untouched:
                pooled["untouched"].add(s)
            tag = "untouched" if untouched else "held-out" if pair.get("held_out") else "dev"
            print(f"{pair['name']:<26} {tag:<9} {s.line()}")
            if args.verbose:
                for note in s.notes:
                    print(f"    {note}")
            results.setdefault(mode, {}).setdefault("pairs", {})[pair["name"]] = s.figures()
        for group, s in pooled.items():
            print(f"{'pooled ' + group:<36} {s.line()}")
            results[mode][group] = s.figures()
        all_pairs = Score()
        for group in ("development", "held_out"):
            all_pairs.add(pooled[group])
        results[mode]["all"] = all_pairs.figures()
    sys.stdout.write(json.dumps(results, ensure_ascii=False) + "\n")
    return 0
