"""A small HTML scanner (stdlib only): the elements of a page by tag, class, attributes and what holds them."""
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.parts, self.ancestors = tag, dict(attrs), [], []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def text(self):
        return "".join(self.parts).strip()

    def get(self, name, default=None):
        return self.attrs.get(name, default)

    def __getitem__(self, name):
        return self.attrs[name]


class _Scanner(HTMLParser):
    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        element.ancestors = list(self.open)
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, attrs)
        element.ancestors = list(self.open)
        self.elements.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


def find(response, tag=None, cls=None, inside=None, **attrs):
    """Elements of the response's HTML by tag, class and attribute values (`id_` for `id`); with
    `inside`, only those within an element of that class."""
    scanner = _Scanner()
    scanner.feed(response.get_data(as_text=True))
    return [e for e in scanner.elements
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
            and (inside is None or any(inside in a.classes for a in e.ancestors))
            and all(e.get(k.rstrip("_")) == v for k, v in attrs.items())]


def args_of(url):
    return parse_qsl(urlsplit(url).query)


def get_ok(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
    return response
