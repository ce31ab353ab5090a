"""Hostile third-party strings on every page: shown as text, never as markup or a dangerous link.

Articles are stored whose title, text, headings, authors, source and URLs, actor names and ids,
quotes and events carry ``<script>``, attribute breakers (``"><img src=x onerror=...>``),
``</script>``, ``javascript:`` / ``data:`` URLs (also disguised with tabs and case), template
syntax and Unicode tricks (bidi overrides, zero-width and fullwidth characters, line
separators).  One is built as records, as a buggy or malicious analyser could store it; one is
ingested for real from an HTML page we write, through the extractor and the spaCy pipeline.

Then **every GET route of the app** — enumerated from ``app.routes``, so a page added later is
covered without touching this file — is requested with its path parameters filled from the
stored ids (a route with a parameter this file does not know fails the test, asking for
values), and with the hostile string as ``q`` wherever a route takes one.  HTML is parsed:
no tag or attribute may come from the data (no ``img``, no ``on*`` handler, scripts only our
own files and JSON data blocks, which must parse as JSON), and no ``href``/``src``/``action``
may carry a scheme other than http(s).  JSON twins must be JSON with ``nosniff``; feeds and the
sitemap must parse as XML with http(s) links only.

A browser test opens the pages in headless Chromium: the title shows as the literal text, no
script from the data runs (no dialog opens, no element from the data exists) and the console
reports nothing — a CSP refusal to run an inline script would mean markup got through.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from blocwatch.jobs import ingest
from blocwatch.nlp.pipeline import get_pipeline
from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote, Section
from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.store.sources import SourceDirectory
from blocwatch.web import create_app
from blocwatch.web.sanitize import clean_html, safe_url

TOKEN = "hostile-test-token"
SCRIPT = '<script>alert("bw-script")</script>'
BREAKOUT = '"><img src=x onerror=alert("bw-img")>'
CLOSE = '</script><script>alert("bw-close")</script><!--'
QUOTE_BREAK = "' onmouseover='alert(1)"
TEMPLATE = "{{ 7*7 }} {% raw %}"
UNICODE = "\u202egpj.exe\u202c \u200b\ufeff＜script＞alert(1)＜/script＞ e\u0301 \U0001f600 \u2028\u2029"
HOSTILE = f"{SCRIPT} {BREAKOUT} {CLOSE} {QUOTE_BREAK} {TEMPLATE} {UNICODE}"
JS_URL = 'javascript:alert("bw-url")//https://news.example.org/'
DISGUISED_JS_URL = " JaVa\tScRiPt:alert('bw-url2')"
DATA_URL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
# No "/" in it: Starlette decodes %2F before routing, so no actor id with a slash has a page.
EVIL_ID = 'org:"><img src=x onerror=alert("bw-id")>'
SHORT = '"><blink x=1>'  # for the short code columns (CAMEO codes are at most 30 characters)
# What may never appear raw in an HTML response: the markup the hostile strings carry.
RAW_MARKUP = ["<script>alert(", "<img src=x", '"><img', "</script><script>", "<blink"]


# --- the hostile corpus ----------------------------------------------------------------------


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def hostile_analysis(article_id: str, url: str, canonical: str | None, day: int) -> Analysis:
    heading = f"Heading {SCRIPT}"
    sentence = f"Norway met {BREAKOUT} officials in Oslo on Monday {SCRIPT}."
    said = f"We reject {CLOSE} and {QUOTE_BREAK}"
    closing = f"“{said},” said {BREAKOUT} the envoy. {UNICODE} {TEMPLATE} {article_id}"
    text = f"{sentence}\n\n{heading}\n\n{closing}"
    h = text.index(heading)
    article = Article(
        id=article_id, text=text, title=f"{HOSTILE} {article_id}", url=url, canonical_url=canonical,
        source=f"{SCRIPT}.example.org", published=date(2025, 3, day), language='en"><script>',
        authors=[BREAKOUT, f'" onload="alert(1) {SCRIPT}'], sections=[Section(heading, h, len(text))],
    )  # fmt: skip
    norway = Actor("NOR", f"Norway {SCRIPT}", "state", country="NOR", cameo="NOR")
    evil = Actor(EVIL_ID, f"Evil {BREAKOUT}", "organisation", country="NOR", role=SCRIPT)
    envoy = Actor("person:hostile-envoy", f"Envoy {CLOSE}", "person", country="NOR", role=BREAKOUT)
    mentions = [
        Mention("Norway", *_span(text, "Norway"), "GPE", "NOR"),
        Mention(BREAKOUT, *_span(text, BREAKOUT), "ORG", EVIL_ID),
    ]
    s_start, s_end = _span(text, sentence)
    q_start, q_end = _span(text, said)
    evidence = Evidence(sentence, s_start, s_end, article_id, 0)
    events = [
        Event("NOR", EVIL_ID, "CONSULT", "040", 1, 1.0, evidence, source_cameo="NOR", target_cameo=SHORT,
              date="2025-03-04", trigger="met"),
        Event(EVIL_ID, "NOR", "THREATEN", "130", 3, -4.4, evidence, source_cameo=SHORT, date="2025-03-04",
              trigger=SCRIPT),
    ]  # fmt: skip
    quotes = [
        Quote(f"Envoy {SCRIPT}", said, q_start, q_end, True, f"said {BREAKOUT}", speaker_actor=envoy.id,
              affiliation=EVIL_ID, evidence=Evidence(text[: q_end + 3], 0, q_end + 3, article_id, 1)),
    ]  # fmt: skip
    return Analysis(article, mentions, [norway, evil, envoy], quotes, events)


HOSTILE_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{SCRIPT.replace("<", "&lt;")} Harbour talks resume</title>
<link rel="canonical" href="data:text/html,%3Cscript%3Ealert(2)%3C/script%3E">
<meta name="author" content="{BREAKOUT.replace('"', "&quot;")}">
<meta property="og:url" content="javascript:alert(&quot;bw-og&quot;)">
</head><body><article><h1>&lt;script&gt;alert("bw-h1")&lt;/script&gt; Harbour talks resume</h1>
<p>Norway and Chile resumed harbour talks in Valparaiso on Tuesday, officials said. &lt;img src=x
onerror=alert("bw-body")&gt; The delegations met for six hours.</p>
<script>alert("bw-page-script")</script>
<p onclick="alert(1)">Ingrid Solberg said: "We want cleaner fjords &lt;/script&gt; and cleaner bays."</p>
<p>The talks will continue in March, according to both foreign ministries.</p>
</article></body></html>"""


@pytest.fixture
def hostile_settings(backend_url: str) -> Settings:
    return load_settings(database_url=backend_url, api_token=TOKEN, rate_limit_per_minute=0, workers=1)


@pytest.fixture
def hostile_store(hostile_settings: Settings, tmp_path: Path) -> Iterator[Store]:
    store = Store(hostile_settings.database_url)
    store.save_analysis(hostile_analysis("a-hostile-js", JS_URL, DISGUISED_JS_URL, 4))
    store.save_analysis(hostile_analysis("a-hostile-data", DATA_URL, None, 5))
    page = tmp_path / "harbour.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    pipeline = get_pipeline(hostile_settings.spacy_model, hostile_settings.actors_files)
    summary = ingest([str(page)], hostile_settings, store, pipeline)
    assert summary.created == 1, summary.errors
    SourceDirectory(store).add(f"https://feeds.example.org/{quote(SCRIPT)}", name=HOSTILE)
    yield store
    store.close()


# --- what a response may contain --------------------------------------------------------------

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "data", "background", "srcset",
                   "hx-get", "hx-post", "hx-put", "hx-delete", "hx-patch"}  # fmt: skip
_FORBIDDEN_TAGS = {"img", "iframe", "object", "embed", "base", "frame", "frameset", "svg", "math", "audio",
                   "video", "applet", "blink"}  # fmt: skip
_DATA_SCRIPTS = {"application/ld+json", "application/json"}


def url_problem(value: str) -> str | None:
    """Why ``value`` (an attribute URL as a browser reads it) is not a safe link, or None."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21))))
    if cleaned.startswith("//") or cleaned.startswith("\\"):
        return "protocol-relative link to another host"
    match = _SCHEME.match(cleaned)
    if match and match.group(1).lower() not in ("http", "https"):
        return f"{match.group(1)}: scheme"
    return None


class PageChecker(HTMLParser):
    """Collects every way a parsed page deviates from what our templates can produce."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (type, body) of inline data blocks
        self._in_script: str | None = None
        self._script_body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if not re.fullmatch(r"[a-z][a-z0-9-]*", tag):
            self.problems.append(f"<{tag}> is no tag a template writes")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if not re.fullmatch(r"[a-z][a-z0-9:_-]*", name):  # e.g. x=1 from a broken-out quote
                self.problems.append(f"<{tag} {name}> attribute name out of the data")
            if name in _URL_ATTRIBUTES and (problem := url_problem(value)):
                self.problems.append(f"<{tag} {name}={value!r}>: {problem}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        og_link = tag == "meta" and values.get("property") in ("og:url", "og:image")
        if og_link and url_problem(values.get("content", "")):
            self.problems.append(f"{values['property']} = {values['content']!r}")
        if tag == "script":
            kind = values.get("type", "")
            if "src" in values:
                if not values["src"].startswith("/static/"):
                    self.problems.append(f"script from {values['src']!r}")
            elif kind not in _DATA_SCRIPTS:
                self.problems.append(f"inline executable <script type={kind!r}>")
            if "src" not in values:
                self._in_script, self._script_body = kind, []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._script_body.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._script_body)))
            self._in_script = None




def check_html(where: str, body: str) -> list[str]:
    problems = [f"raw {marker!r}" for marker in RAW_MARKUP if marker in body]
    checker = PageChecker()
    checker.feed(body)
    checker.close()
    problems += checker.problems
    for kind, text in checker.scripts:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(f"{kind} block does not parse ({exc}): the data broke out of it")
            continue
        if kind == "application/ld+json":
            for key in ("url", "isBasedOn"):
                if key in value and not safe_url(value[key]):
                    problems.append(f"JSON-LD {key} = {value[key]!r}")
    return [f"{where}: {p}" for p in problems]


def check_xml(where: str, body: bytes) -> list[str]:
    root = ET.fromstring(body)  # raises (fails the test) if the data broke the XML
    problems = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local.lower() == "script":
            problems.append("<script> element")
        for attr in ("href", "url"):
            if attr in element.attrib and not safe_url(element.attrib[attr]):
                problems.append(f"<{local} {attr}={element.attrib[attr]!r}>")
        if local in ("link", "loc", "guid", "id") and element.text and not safe_url(element.text.strip()):
            problems.append(f"<{local}>{element.text!r}")
    return [f"{where}: {p}" for p in problems]


# --- every route -------------------------------------------------------------------------------


def get_routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """(path template, query parameter names) of every GET route, however routers are nested."""
    found: list[tuple[str, set[str]]] = []

    def visit(route: Any) -> None:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # FastAPI >= 0.120 keeps included routers as branches
            for context in contexts():
                visit(context)
            return
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", None)
        if path and "GET" in methods:
            dependant = getattr(route, "dependant", None)
            query = {p.name for p in getattr(dependant, "query_params", [])}
            found.append((path, query))

    for route in app.routes:
        visit(route)
    return found


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def path_values(store: Store, client: TestClient, routes: list[tuple[str, set[str]]]) -> dict[str, list[str]]:
    """Values for every path parameter: stored ids, ids the site itself shows, and missing ones."""
    with store.session() as session:
        from sqlalchemy import select

        from blocwatch.store.models import ActorRow, ArticleRow

        article_ids = sorted(session.scalars(select(ArticleRow.id)))
        actor_ids = sorted(session.scalars(select(ActorRow.id)))
    missing = f"missing-{SCRIPT}"
    # Ids of derived things (deduplicated events ...) as the JSON twins of the site show them.
    shown: set[str] = set()
    twins = [p for p, _ in routes if p.endswith(".json") and "{" not in p]
    twins += [f"/{kind}/{quote(i)}.json" for i in article_ids for kind in ("articles", "stories")]
    for twin in twins:
        response = client.get(twin, headers={"Authorization": f"Bearer {TOKEN}"})
        if response.status_code == 200 and response.headers["content-type"].startswith("application/json"):
            shown.update(strings_in(response.json()))
    events = sorted(v for v in shown if re.fullmatch(r"ev-[0-9a-f]{16}", v))
    return {
        "story_id": [*article_ids, missing],  # an article id leads (307) to the story it belongs to
        "event_id": [*events, missing],
        "article_id": [*article_ids, missing],
        "actor_id": [*actor_ids, missing],
        "a": ["NOR", EVIL_ID],
        "b": [EVIL_ID, "CHL"],
        "bloc_id": ["BRICS", "NATO", missing],
        "table": ["articles", "events", "mentions", "quotes", missing],
        "job_id": ["1"],
    }


def urls_for(path: str, query: set[str], values: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"\{(\w+)(?::\w+)?\}", path)
    unknown = [n for n in names if n not in values]
    assert not unknown, f"route {path}: add stored values for path parameter(s) {unknown} to path_values()"
    combos: list[dict[str, str]] = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for v in values[name]]
    urls = []
    for combo in combos:
        url = path
        for name, value in combo.items():
            url = re.sub(r"\{" + name + r"(?::\w+)?\}", quote(value, safe=":"), url)
        urls.append(url)
        if "q" in query:
            urls.append(f"{url}?{urlencode({'q': HOSTILE})}")
    return urls


def test_every_page_and_twin_shows_hostile_strings_as_text(
    hostile_settings: Settings, hostile_store: Store
) -> None:
    app = create_app(hostile_settings, hostile_store)
    routes = get_routes(app)
    assert len(routes) > 20 and any(p == "/articles/{article_id}" for p, _ in routes)
    problems: list[str] = []
    served: dict[str, int] = {}
    with TestClient(app) as client:
        values = path_values(hostile_store, client, routes)
        assert EVIL_ID in values["actor_id"]
        for path, query in routes:
            if path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
                continue  # FastAPI's own documentation pages, with no data of ours
            for url in urls_for(path, query, values):
                for accept in ("text/html", "application/json"):
                    response = client.get(url, headers={"Accept": accept, "Authorization": f"Bearer {TOKEN}"})
                    assert response.status_code < 500, (url, response.status_code, response.text[:300])
                    served[path] = max(served.get(path, 0), int(response.status_code == 200))
                    problems += check_response(url, response)
    assert not problems, "\n".join(problems[:40])
    not_ok = [p for p, ok in served.items() if not ok and p not in ("/api/reprocess/{job_id}",)]
    assert not not_ok, f"these routes never answered 200, so their content was not checked: {not_ok}"


def check_response(url: str, response: Any) -> list[str]:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    assert response.headers.get("x-content-type-options") == "nosniff", url
    if media == "text/html":
        return check_html(url, response.text)
    if media == "application/json":
        json.loads(response.text)
        return []
    if media.endswith("xml"):
        return check_xml(url, response.content)
    if media in ("text/csv", "application/x-ndjson", "application/vnd.apache.parquet"):
        return []  # downloads: served as attachments of a non-HTML type, never rendered
    return [f"{url}: unexpected content type {media!r}"]


def test_the_hostile_strings_are_on_the_pages_escaped(
    hostile_settings: Settings, hostile_store: Store
) -> None:
    """The check above is not vacuous: the strings are there, as text."""
    app = create_app(hostile_settings, hostile_store)
    with TestClient(app) as client:
        article = client.get("/articles/a-hostile-js").text
        home = client.get("/").text
        actor = client.get("/actors/" + quote(EVIL_ID, safe=":")).text
        sources = client.get("/sources").text
        rss = client.get("/feed.rss").content
        ld = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', article, re.S)[0])
        data_article = client.get("/articles/a-hostile-data").text
        twin = client.get("/articles/a-hostile-js.json").json()
    escaped_script = "&lt;script&gt;alert(&#34;bw-script&#34;)&lt;/script&gt;"
    assert f"<h1>{escaped_script}" in article and escaped_script in home
    assert "&#34;&gt;&lt;img src=x onerror=alert(&#34;bw-img&#34;)&gt;" in article  # the author and body
    assert "{{ 7*7 }} {% raw %}" in article  # template syntax in data is text, not template
    assert "\u202egpj.exe\u202c" in article and "＜script＞" in article  # Unicode passes unchanged
    assert "Evil &#34;&gt;&lt;img" in actor
    assert escaped_script in sources
    assert b"&lt;script&gt;alert(\"bw-script\")&lt;/script&gt;" in rss
    assert ld["headline"].startswith(SCRIPT)  # intact after JSON parsing, yet never raw in the page
    # javascript: / data: publisher URLs are not links anywhere, and not in JSON-LD or feeds.
    assert ">original</a>" not in article and ">original</a>" not in data_article
    assert "url" not in ld and "isBasedOn" not in ld
    assert b"javascript" not in rss.lower() and b"data:text" not in rss
    # The JSON twin keeps what the article declared: it is data, not a page.
    assert twin["article"]["url"] == JS_URL
    # A plain http(s) source still gets its link.
    fine_url = "https://news.example.org/fine?a=1&b=%22"
    hostile_store.save_analysis(hostile_analysis("a-fine", fine_url, None, 6))
    with TestClient(app) as client:
        fine = client.get("/articles/a-fine").text
    link = '<a href="https://news.example.org/fine?a=1&amp;b=%22" rel="nofollow noopener">original</a>'
    assert link in fine


def test_the_real_ingest_path_keeps_markup_out(hostile_settings: Settings, hostile_store: Store) -> None:
    app = create_app(hostile_settings, hostile_store)
    with TestClient(app) as client:
        listing = client.get("/.json").json()
        [harbour] = [a for a in listing["articles"] if "Harbour talks" in (a.get("title") or "")]
        page = client.get(f"/articles/{harbour['id']}").text
    assert not check_html("ingested article", page)
    assert "bw-page-script" not in page  # the page's own <script> was never article text
    assert "Harbour talks resume" in page and "&lt;script&gt;" in page


def test_safe_url() -> None:
    for good in ("https://example.org/a?b=1", "http://x.example/", "HTTPS://EXAMPLE.ORG"):
        assert safe_url(good) == good
    assert safe_url("\x00 https://example.org/\n") == "https://example.org/"
    for bad in (JS_URL, DISGUISED_JS_URL, DATA_URL, "vbscript:msgbox(1)", "//evil.example/", "/relative",
                "http:/no-host", "https://[::1", "ｊａｖａｓｃｒｉｐｔ:alert(1)", "file:///etc/passwd",
                "", None, 42, "java\nscript:alert(1)", "\x01javascript:alert(1)"):  # fmt: skip
        assert safe_url(bad) is None, bad


def test_clean_html_keeps_formatting_and_drops_the_rest() -> None:
    dirty = (
        '<p onclick="alert(1)" style="color:red">Talks <b>resume</b> <script>alert("x")</script>'
        '<img src=x onerror=alert(1)><a href="javascript:alert(1)">js</a> <a href="/ours">rel</a> '
        '<a href="https://example.org/" target="_blank">ok</a><style>p{}</style><iframe src="https://e.org">'
        "</iframe><svg><script>alert(2)</script></svg></p>"
    )
    cleaned = str(clean_html(dirty))
    assert cleaned.startswith("<p>Talks <b>resume</b> ") and "alert" not in cleaned
    gone_words = ("<script", "<img", "onclick", "onerror", "style", "javascript", "<iframe", "<svg", "/ours")
    for gone in (*gone_words, "target"):
        assert gone not in cleaned, gone
    assert '<a href="https://example.org/" rel="nofollow noopener noreferrer">ok</a>' in cleaned
    assert str(clean_html(None)) == ""
    assert not check_html("cleaned", cleaned)


@pytest.mark.browser
def test_a_script_in_an_ingested_title_is_shown_as_text_in_a_browser(
    hostile_settings: Settings, hostile_store: Store
) -> None:
    from browser_support import chromium_page, serve

    with serve(create_app(hostile_settings, hostile_store)) as base, chromium_page() as (page, console):
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("/articles/a-hostile-js", "/", "/actors/" + quote(EVIL_ID, safe=":"), "/sources",
                     "/search?" + urlencode({"q": SCRIPT})):  # fmt: skip
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.locator("img").count() == 0, path
            sources = page.eval_on_selector_all(
                "script", "els => els.map(e => e.src ? 'src' : e.type || 'inline')"
            )
            allowed = ("src", "application/ld+json", "application/json")
            assert all(s in allowed for s in sources), (path, sources)
        page.goto(base + "/articles/a-hostile-js")
        assert page.locator("h1").inner_text().startswith(SCRIPT)  # the literal text, on screen
        assert page.title().startswith(SCRIPT)
        handlers = "() => document.querySelectorAll('[onerror], [onmouseover], [onload]').length"
        assert page.evaluate(handlers) == 0
    assert dialogs == []
    assert console == [], console  # e.g. a CSP refusal of an injected inline script would show here
