"""Progress from later documents: a town's year-end summary, half-year report, progress list or
next year's plan, matched to the items already on the map.

    doc = read_file("2022-summary.docx")              # any format the extractor reads
    review = propose(store, doc)                       # proposals, nothing written
    for p in review.proposals: ...                     # plain data: p.as_dict(), evidence spans into doc.text
    result = apply_review(store, review, accept={p.key for p in review.updates + review.new_items})
    comparison = compare_documents(plan_doc, next_plan_doc)   # continued / completed / put off / new

Matching (:mod:`.match`), status from tense and verbs (:mod:`.status`), proposals
(:mod:`.proposals`), applying through the store with version check and audit (:mod:`.apply`),
comparing two documents and "changed since the plan" (:mod:`.compare`).
"""
from __future__ import annotations

from geo.progress.apply import ApplyResult, apply_review, default_accept
from geo.progress.compare import (
    OUTCOMES, OUTCOMES_EN, ChangeSincePlan, Comparison, ComparisonRow, change_words, changed_since_plan_only,
    changes_since_plan, compare_documents, compare_files,
)
from geo.progress.proposals import (
    ACTION_LABELS, CONFLICT, NEW, UNCHANGED, UPDATE, Evidence, Proposal, Review, evidence_html,
    is_progress_user, person_set, progress_note, progress_user, propose, review_items,
)
from geo.progress.reading import (
    DOCUMENT_KINDS, ProgressDocument, ProgressError, read_bytes, read_file, read_text,
)

__all__ = [
    "ACTION_LABELS", "CONFLICT", "NEW", "UNCHANGED", "UPDATE", "DOCUMENT_KINDS",
    "OUTCOMES", "OUTCOMES_EN", "ApplyResult", "ChangeSincePlan", "Comparison", "ComparisonRow", "Evidence", "ProgressDocument", "ProgressError", "Proposal", "Review",
    "apply_review", "default_accept", "change_words", "changed_since_plan_only", "changes_since_plan", "compare_documents", "compare_files", "evidence_html",
    "is_progress_user", "person_set", "progress_note", "progress_user", "propose", "read_bytes", "read_file",
    "read_text", "review_items",
]
