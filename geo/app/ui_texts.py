"""Streamlit's own widget texts that its API cannot set, in the reader's language.

The multiselect's dropdown offers "Select all" / "Select 3 matches" and says "No results"; its
clear and remove buttons are labelled "Clear all" / "Remove 行政村". Streamlit (1.5x–1.6x) writes
these in English in the browser and has no parameter for them (``placeholder=`` covers only the
empty box). A small script in the page translates exactly these texts as they appear, from
geo.i18n; in English nothing is changed.
"""
from __future__ import annotations

import json

import streamlit as st

from geo import i18n

_SCRIPT = """<script>(function () {
  var T = %s;
  window.__geoUiTexts = T;
  function tr(s) {
    if (!s) return null;
    var t = s.trim();
    if (Object.prototype.hasOwnProperty.call(T.exact, t)) return T.exact[t];
    for (var i = 0; i < T.patterns.length; i++) {
      var m = t.match(new RegExp(T.patterns[i][0]));
      if (m) return T.patterns[i][1].replace("{x}", m[1]);
    }
    return null;
  }
  function fix(root) {
    if (!root) return;
    if (root.nodeType === 3) { var v = tr(root.nodeValue); if (v !== null) root.nodeValue = v; return; }
    if (root.nodeType !== 1) return;
    ["title", "aria-label"].forEach(function (a) {
      var v = tr(root.getAttribute(a)); if (v !== null) root.setAttribute(a, v);
    });
    var w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    var n; while ((n = w.nextNode())) {
      if (n.nodeType === 3) { var x = tr(n.nodeValue); if (x !== null) n.nodeValue = x; }
      else { ["title", "aria-label"].forEach(function (a) {
        var y = tr(n.getAttribute(a)); if (y !== null) n.setAttribute(a, y); }); }
    }
  }
  if (!window.__geoUiObserver) {
    window.__geoUiObserver = new MutationObserver(function (records) {
      T = window.__geoUiTexts;
      records.forEach(function (r) {
        if (r.type === "childList") r.addedNodes.forEach(fix); else fix(r.target);
      });
    });
    window.__geoUiObserver.observe(document.body, {childList: true, subtree: true, characterData: true,
                                                   attributes: true, attributeFilter: ["title", "aria-label"]});
  }
  fix(document.body);
})();</script>"""


def texts(lang: str) -> dict:
    """English text → text in ``lang``: exact texts and (regex, replacement with {x}) patterns."""
    if lang == "en":
        return {"exact": {}, "patterns": []}
    return {
        "exact": {"Select all": i18n.t("ui_select_all", lang), "No results": i18n.t("ui_no_results", lang),
                  "Clear all": i18n.t("ui_clear_all", lang)},
        "patterns": [[r"^Select (\d+) matches$", i18n.t("ui_select_matches", lang, n="{x}")],
                     [r"^Remove (.+)$", i18n.t("ui_remove", lang, name="{x}")]],
    }


def translate_widgets(lang: str) -> None:
    """Put the translating script in the page; it watches the page for these texts.

    Rendered in English too (with nothing to translate), so a switch from Chinese stops the translation.
    """
    payload = json.dumps(texts(lang), ensure_ascii=False).replace("</", "<\\/")
    with st.sidebar:
        st.html(_SCRIPT % payload, unsafe_allow_javascript=True, width="content")


__all__ = ["translate_widgets", "texts"]
