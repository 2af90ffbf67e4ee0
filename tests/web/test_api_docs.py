"""/api/docs: the OpenAPI description as a page people read, made from the description itself."""
import json

import pytest

from html_scan import find
from paths import OPENAPI_FILE
from search.web.api_docs import type_of

DESCRIPTION = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
OPERATIONS = [(method.upper(), path) for path, item in DESCRIPTION["paths"].items() for method in item]


@pytest.fixture(scope="module")
def page(app):
    response = app.test_client().get("/api/docs")
    assert (response.status_code, response.mimetype) == (200, "text/html")
    return response


def test_every_operation_of_the_description_has_its_section_in_order(page):
    assert [h.text for h in find(page, "h3") if h.get("id", "").endswith("-title")
            and not h["id"].startswith("schema-")] == [f"{m} {p}" for m, p in OPERATIONS]
    assert [a.text for a in find(page, "a") if a.get("href", "").startswith("#get-")] == \
        [f"{m} {p}" for m, p in OPERATIONS]


def test_the_search_operation_lists_its_parameters_and_answers(page):
    section = "get-api-search"
    rows = _table_rows(page, section)
    params = [p["name"] for p in DESCRIPTION["paths"]["/api/search"]["get"]["parameters"]]
    statuses = sorted(DESCRIPTION["paths"]["/api/search"]["get"]["responses"])
    assert rows == [*params, *statuses]


def test_every_shape_a_page_links_to_is_on_the_page(page):
    targets = {a["href"][1:] for a in find(page, "a") if a.get("href", "").startswith("#schema-")}
    ids = {e["id"] for e in find(page) if e.get("id", "").startswith("schema-") and not e["id"].endswith("-title")}
    assert (targets - ids, ids) == (set(), {f"schema-{name}" for name in DESCRIPTION["components"]["schemas"]})


def test_the_page_links_the_description_it_is_made_from_and_runs_no_script(page):
    assert [link["href"] for link in find(page, "link", rel="alternate")] == ["/api/openapi.json"]
    assert [s.get("src") for s in find(page, "script")] == ["/static/suggest.js"]


def test_every_page_links_the_api_docs_from_its_footer(client):
    assert [a.text for a in find(client.get("/"), "a", href="/api/docs")] == ["接口文档"]


@pytest.mark.parametrize("schema, words", [
    ({"type": "string"}, "string"),
    ({"type": "array", "items": {"type": "string"}}, "array of string"),
    ({"$ref": "#/components/schemas/Hit"}, "Hit"),
    ({"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}, "array of Hit"),
    ({"type": "integer", "minimum": 1, "maximum": 100}, "integer (1–100)"),
    ({"type": "integer", "minimum": 1}, "integer (1–)"),
    ({"type": "string", "enum": ["relevance", "date"]}, "string (relevance | date)"),
    ({"type": ["string", "null"]}, "string | null"),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "string | integer"),
    ({"allOf": [{"$ref": "#/components/schemas/Unit"}, {"type": "object"}]}, "Unit + object"),
    (None, ""),
])
def test_a_schema_in_a_few_words(schema, words):
    assert type_of(schema) == words


def _table_rows(page, section):
    """The row headers of the tables of one operation's section, in order."""
    html = page.get_data(as_text=True)
    start = html.index(f'<section class="api-op" id="{section}"')
    end = html.index("</section>", start)

    class Part:
        def get_data(self, as_text=True):
            return html[start:end]

    return [th.text.removesuffix("必填").strip() for th in find(Part(), "th", scope="row")]
