"""Chapter text -> Heading / Paragraph / Decision and Footnote records."""
from dataclasses import dataclass

from .citations import Citation


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    id: str
    chapter: str
    kind: str  # "heading" | "paragraph" | "decision"
    item: int
    item_title: str
    section: str | None
    section_title: str | None
    meeting: int | None
    date: str | None
    decision: str | None
    text: str
    footnotes: tuple[int, ...]
    countries: tuple[str, ...]
    orgs: tuple[str, ...]
    source: Source
    order: int


@dataclass(frozen=True)
class Footnote:
    id: str
    chapter: str
    item: int
    number: int
    text: str
    citations: tuple[Citation, ...]
    countries: tuple[str, ...]
    orgs: tuple[str, ...]
    meeting: int | None
    date: str | None
    cited_by: tuple[str, ...]
    source: Source
    order: int
    kind: str = "footnote"


@dataclass(frozen=True)
class Corpus:
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]

    def records(self):
        yield from self.paragraphs
        yield from self.footnotes
