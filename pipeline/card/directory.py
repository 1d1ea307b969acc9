"""The organisation directory (справочник корреспондентов) and matching names in a letter against it.

Reads the world's `organisations.csv`, any CSV with an id and a name column, and a Docsvision
"RefPartners" counterparty export (the XML or its JSONL conversion: a tree with duplicates and blank
names). Matching: an INN in the text picks the entry outright; otherwise rapidfuzz compares header
lines with every name variant (name, full name, short name, aliases, an abbreviation built from the
name's capitalised words).
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


def normalise_name(text: str) -> str:
    text = _QUOTES.sub(" ", text.replace("ё", "е").replace("Ё", "Е"))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", " ", text)).strip().casefold()


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

    def __len__(self) -> int:
        return len(self.organisations)

    def match_name(self, name: str, cutoff: float = 85.0) -> Match | None:
        """The entry whose name variant best matches `name`, or None below `cutoff`."""
        from rapidfuzz import fuzz, process

        query = normalise_name(name)
        if len(query) < 3 or not self._choices:
            return None
        exact = [i for i, c in enumerate(self._choices) if c == query]
        if exact:
            org, how = self._owners[exact[0]]
            return Match(org, 100.0, how)
        if len(query) <= 6:  # abbreviations only match exactly
            return None
        hit = process.extractOne(query, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None:
            return None
        _, score, index = hit
        org, how = self._owners[index]
        return Match(org, float(score), how)

    def find_in_text(self, text: str, limit_lines: int = 40) -> Match | None:
        """The best directory entry named in the first lines of `text` (INN first, then fuzzy names)."""
        for m in _INN.finditer(text):
            org = self.by_inn.get(m.group(0))
            if org is not None:
                return Match(org, 100.0, "inn", m.start(), m.end())
        best: Match | None = None
        for lines in columns(text, limit_lines):
            for i in range(len(lines)):
                for width in (1, 2, 3, 4):
                    chunk = lines[i : i + width]
                    if len(chunk) < width:
                        break
                    candidate = " ".join(c[2] for c in chunk)
                    if len(candidate) > 250:
                        break
                    match = self.match_name(candidate)
                    if match and (best is None or match.score > best.score):
                        match.start, match.end = chunk[0][0], chunk[-1][1]
                        best = match
                if best and best.score >= 99.5:
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
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
                rows = list(csv.DictReader(handle, dialect=dialect))
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
