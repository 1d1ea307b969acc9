"""The organisation directory (справочник корреспондентов) and matching names in a letter against it.

Reads the world's `organisations.csv`, any CSV with an id and a name column, and a Docsvision
"RefPartners" counterparty export (the XML or its JSONL conversion: a tree with duplicates and blank
names). Matching: an INN in the text picks the entry outright, then an exact name variant (name, full name,
short name, aliases, an abbreviation built from the name's capitalised words) by dictionary; otherwise
rapidfuzz compares header lines with the variants that share words with them (token blocking).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from docket.errors import InputError, UnsupportedFormat
from pipeline.card.found import columns

_ID_COLUMNS = ("id", "org_id", "organisation_id", "rowid", "RowID")
_NAME_COLUMNS = ("name", "full_name", "short_name", "Name", "FullName", "title")
_VARIANT_COLUMNS = (
    "name",
    "full_name",
    "short_name",
    "Name",
    "FullName",
    "abbreviation",
    "aliases",
    "variants",
)
_INN = re.compile(r"(?<!\d)\d{10}(?:\d{2})?(?!\d)")
_STOP_ABBR = {"и", "по", "в", "на", "для", "с", "о", "об", "при", "г", "города", "городского"}
_QUOTES = re.compile(r"[«»\"„“”']")
_PUNCT = re.compile(r"[^\w\s-]")
_SPACE = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    text = _QUOTES.sub(" ", text.replace("ё", "е").replace("Ё", "Е"))
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip().casefold()


def abbreviation(name: str) -> str | None:
    """«Управление Федеральной налоговой службы» → «уфнс»; None for names too short to abbreviate."""
    words = [
        w for w in re.findall(r"[А-ЯЁа-яёA-Za-z]+", _QUOTES.sub(" ", name)) if w.lower() not in _STOP_ABBR
    ]
    if len(words) < 3:
        return None
    return "".join(w[0] for w in words).casefold()


@dataclass
class Organisation:
    id: str
    name: str
    inn: str | None = None
    variants: list[str] = field(default_factory=list)


@dataclass
class Match:
    organisation: Organisation
    score: float  # 0..100, rapidfuzz scale; 100 for an INN match
    how: str  # "inn", "name", "abbreviation"
    start: int = 0
    end: int = 0


class Directory:
    def __init__(self, organisations: list[Organisation]):
        self.organisations = [o for o in organisations if o.name.strip()]
        self.by_id = {o.id: o for o in self.organisations}
        self.by_inn = {o.inn: o for o in self.organisations if o.inn}
        self._choices: list[str] = []
        self._owners: list[tuple[Organisation, str]] = []
        for org in self.organisations:
            seen: set[str] = set()
            for variant in [org.name, *org.variants]:
                norm = normalise_name(variant)
                if len(norm) >= 3 and norm not in seen:
                    seen.add(norm)
                    self._choices.append(norm)
                    self._owners.append((org, "name"))
            abbr = abbreviation(org.name)
            if abbr and abbr not in seen:
                self._choices.append(abbr)
                self._owners.append((org, "abbreviation"))
        self._exact: dict[str, int] = {}
        for index, choice in enumerate(self._choices):
            self._exact.setdefault(choice, index)
        self._index = None

    def __len__(self) -> int:
        return len(self.organisations)

    def _token_index(self):
        """(vocabulary, choices x tokens 0/1 matrix): which variants share a word with a query."""
        if self._index is None:
            from scipy.sparse import csr_matrix

            vocabulary: dict[str, int] = {}
            rows, cols = [], []
            for row, choice in enumerate(self._choices):
                for token in set(choice.split()):
                    rows.append(row)
                    cols.append(vocabulary.setdefault(token, len(vocabulary)))
            shape = (len(self._choices), max(len(vocabulary), 1))
            matrix = csr_matrix(([1] * len(rows), (rows, cols)), shape=shape, dtype="int16")
            self._index = (vocabulary, matrix.T.tocsr())
        return self._index

    def _candidates(self, queries: list[str]) -> list:
        """Per query, the variants sharing at least half of its words: a fuzzy ratio of 85 or more is out
        of reach for the others, so rapidfuzz compares each query with a few dozen variants, not all."""
        import numpy as np
        from scipy.sparse import csr_matrix

        vocabulary, by_token = self._token_index()
        rows, cols = [], []
        needed = []
        for row, query in enumerate(queries):
            words = set(query.split())
            needed.append(max(1, len(words) // 2))
            for token in words:
                if token in vocabulary:
                    rows.append(row)
                    cols.append(vocabulary[token])
        shape = (len(queries), by_token.shape[0])
        shared = csr_matrix(([1] * len(rows), (rows, cols)), shape=shape, dtype="int16") @ by_token
        out = []
        for row in range(len(queries)):
            begin, end = shared.indptr[row], shared.indptr[row + 1]
            counts, indices = shared.data[begin:end], shared.indices[begin:end]
            out.append(np.sort(indices[counts >= needed[row]]))
        return out

    def _best(self, query: str, candidates, cutoff: float) -> Match | None:
        from rapidfuzz import fuzz, process

        exact = self._exact.get(query)
        if exact is not None:
            org, how = self._owners[exact]
            return Match(org, 100.0, how)
        if len(query) <= 6 or candidates is None or not len(candidates):  # abbreviations match exactly
            return None
        hit = process.extractOne(
            query, [self._choices[i] for i in candidates], scorer=fuzz.ratio, score_cutoff=cutoff
        )
        if hit is None:
            return None
        _, score, position = hit
        org, how = self._owners[int(candidates[position])]
        return Match(org, float(score), how)

    def match_name(self, name: str, cutoff: float = 85.0) -> Match | None:
        """The entry whose name variant best matches `name`, or None below `cutoff`."""
        query = normalise_name(name)
        if len(query) < 3 or not self._choices:
            return None
        return self._best(query, self._candidates([query])[0], cutoff)

    def find_in_text(self, text: str, limit_lines: int = 40, cutoff: float = 85.0) -> Match | None:
        """The best directory entry named in the first lines of `text` (INN first, then fuzzy names)."""
        for m in _INN.finditer(text):
            org = self.by_inn.get(m.group(0))
            if org is not None:
                return Match(org, 100.0, "inn", m.start(), m.end())
        if not self._choices:
            return None
        # every run of one to four lines of each column, in reading order, matched in one batch
        windows: list[tuple[int, int, int, int, str]] = []  # column, line, start, end, query
        for col, lines in enumerate(columns(text, limit_lines)):
            normalised = [normalise_name(line[2]) for line in lines]
            for i in range(len(lines)):
                for width in (1, 2, 3, 4):
                    chunk = lines[i : i + width]
                    if len(chunk) < width:
                        break
                    if sum(len(c[2]) for c in chunk) + width - 1 > 250:
                        break
                    query = " ".join(n for n in normalised[i : i + width] if n)
                    if len(query) >= 3:
                        windows.append((col, i, chunk[0][0], chunk[-1][1], query))
        if not windows:
            return None
        queries = list(dict.fromkeys(w[4] for w in windows))
        pending = [q for q in queries if q not in self._exact and len(q) > 6]
        candidates = dict(zip(pending, self._candidates(pending), strict=True)) if pending else {}
        results: dict[str, Match | None] = {}
        best: Match | None = None
        for position, (col, line, start, end, query) in enumerate(windows):
            if query not in results:
                results[query] = self._best(query, candidates.get(query), cutoff)
            found = results[query]
            if found and (best is None or found.score > best.score):
                best = Match(found.organisation, found.score, found.how, start, end)
            last_of_line = position + 1 == len(windows) or windows[position + 1][:2] != (col, line)
            if last_of_line and best and best.score >= 99.5:
                return best
        return best


def _from_rows(rows: list[dict]) -> Directory:
    organisations = []
    for row in rows:
        row = {k.strip() if isinstance(k, str) else k: v for k, v in row.items()}
        attrs = row.get("attributes") if isinstance(row.get("attributes"), dict) else {}
        merged = {**attrs, **{k: v for k, v in row.items() if k != "attributes"}}
        if str(merged.get("depth", "")) == "0" and not merged.get("parent_id"):
            continue  # the root folder of a RefPartners tree, not an organisation
        ident = next((str(merged[c]) for c in _ID_COLUMNS if merged.get(c) not in (None, "")), None)
        name = next((str(merged[c]).strip() for c in _NAME_COLUMNS if str(merged.get(c) or "").strip()), "")
        if ident is None or not name:
            continue
        variants: list[str] = []
        for column in _VARIANT_COLUMNS:
            value = merged.get(column)
            if isinstance(value, list):
                variants.extend(str(v) for v in value)
            elif value:
                variants.extend(v for v in re.split(r"[;|]", str(value)) if v.strip())
        inn = str(merged.get("inn") or merged.get("INN") or "").strip() or None
        organisations.append(Organisation(ident, name, inn, variants))
    return Directory(organisations)


def _read_refpartners_xml(path: Path) -> list[dict]:
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"{path.name}: not well-formed XML ({exc})") from None
    rows = []
    for element in root.iter():
        if "RowID" in element.attrib and "Name" in element.attrib:
            rows.append(dict(element.attrib))
    return rows


def read_directory(path: Path | str) -> Directory:
    """A directory from a CSV, JSONL/JSON or Docsvision XML file; InputError when it holds no entries."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"organisation directory not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in {".csv", ".tsv"}:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                sample = handle.read(4096)
                handle.seek(0)
                # only the separator is sniffed: the sniffer also guesses the quoting, and a field with
                # doubled quotes («ООО ""Челябтех""») made it shift every later column of the row
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter if sample else ","
                rows = list(csv.DictReader(handle, delimiter=delimiter))
        elif suffix in {".jsonl", ".ndjson"}:
            with path.open(encoding="utf-8") as handle:
                rows = [json.loads(line) for line in handle if line.strip()]
        elif suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            rows = data if isinstance(data, list) else data.get("organisations", [])
        elif suffix == ".xml":
            rows = _read_refpartners_xml(path)
        else:
            raise UnsupportedFormat(f"{path.name}: directory must be CSV, JSONL, JSON or XML")
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        raise InputError(f"{path.name}: cannot read the directory ({exc})") from None
    directory = _from_rows([r for r in rows if isinstance(r, dict)])
    if not len(directory):
        raise InputError(f"{path.name}: no organisation with an id and a name")
    return directory


def write_directory_csv(directory: Directory, path: Path | str) -> int:
    """Save a directory as the CSV docket reads (id, name, inn, aliases); returns the number of rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "inn", "aliases"])
        for org in directory.organisations:
            aliases = [v for v in org.variants if v.strip() and v.strip() != org.name.strip()]
            writer.writerow([org.id, org.name.strip(), org.inn or "", ";".join(dict.fromkeys(aliases))])
    return len(directory.organisations)
