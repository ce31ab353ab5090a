"""Small archives for the backfill tests, composed here: JSON lines, WARC and WARC.gz.

The article texts are written for these tests (no third-party text).  Every WARC holds, besides
the articles, records a backfill must skip (warcinfo, request, a redirect, an image) and one it
must keep as a failed input (an archived 404), so the split into records is exercised too.
"""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path

STORIES = [
    ("Leaders meet in Ankara",
     "Turkey and Iran agreed on Monday to expand trade across their shared border. "
     "\"We will double our trade within three years,\" the Turkish foreign minister said in Ankara. "
     "Iran praised the agreement and promised to open two new crossings."),
    ("Sanctions on Pyongyang",
     "The United States imposed new sanctions on North Korea on Tuesday after a missile test. "
     "Japan condemned the launch and asked the United Nations Security Council to meet. "
     "China called on both sides to show restraint."),
    ("Aid convoy reaches Idlib",
     "The United Nations sent an aid convoy to Syria on Wednesday. "
     "Russia criticised the route, while France welcomed the delivery. "
     "\"The convoy reached families who had waited for weeks,\" a UN spokesperson said."),
    ("Summit in Brasilia",
     "Brazil hosted a meeting of the BRICS countries in Brasilia on Thursday. "
     "India and South Africa signed an agreement on farming research. "
     "Brazil said the bloc would discuss a common payment system next year."),
    ("Talks in Nairobi",
     "Kenya mediated talks between Ethiopia and Eritrea in Nairobi on Friday. "
     "Ethiopia accused Eritrea of moving troops near the border. "
     "The African Union urged both governments to return to the negotiating table."),
    ("Fishing dispute",
     "Norway and Russia met in Oslo to settle a dispute over fishing quotas. "
     "Norway threatened to close its ports to Russian trawlers if no deal was reached. "
     "The European Union offered to help both sides."),
]


def story_html(title: str, text: str, day: int) -> bytes:
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in text.split(". ") if sentence)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="2024-05-{day:02d}T09:00:00Z"></head>'
        f"<body><nav>Home | World | Opinion</nav><article><h1>{title}</h1>"
        f"<p>Published 2024-05-{day:02d}</p>{paragraphs}</article>"
        "<footer>Copyright Example Wire</footer></body></html>"
    ).encode()


def warc_record(kind: str, uri: str | None, block: bytes, content_type: str) -> bytes:
    headers = [
        "WARC/1.0", f"WARC-Type: {kind}", f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        "WARC-Date: 2024-05-20T10:00:00Z", *([f"WARC-Target-URI: {uri}"] if uri else []),
        f"Content-Type: {content_type}", f"Content-Length: {len(block)}",
    ]  # fmt: skip
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_response(uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n".encode() + body
    return warc_record("response", uri, http, "application/http; msgtype=response")


def warc_records(stories: list[tuple[str, str]], host: str) -> list[bytes]:
    records = [warc_record("warcinfo", None, b"software: blocwatch tests\r\n", "application/warc-fields")]
    for i, (title, text) in enumerate(stories):
        uri = f"https://{host}/world/{i}"
        records.append(warc_record("request", uri, f"GET /world/{i} HTTP/1.1\r\n\r\n".encode(),
                                   "application/http; msgtype=request"))  # fmt: skip
        records.append(http_response(uri, story_html(title, text, 10 + i)))
    records.append(http_response(f"https://{host}/old", b"", "301 Moved Permanently"))
    records.append(http_response(f"https://{host}/logo.png", b"\x89PNG\r\n\x1a\n", ctype="image/png"))
    records.append(http_response(f"https://{host}/gone", b"<html><body>gone</body></html>", "404 Not Found"))
    return records


def write_warc(path: Path, stories: list[tuple[str, str]], host: str, *, gz: bool) -> Path:
    records = warc_records(stories, host)
    data = b"".join(gzip.compress(r) for r in records) if gz else b"".join(records)
    path.write_bytes(data)
    return path


def write_jsonl(path: Path, stories: list[tuple[str, str]]) -> Path:
    lines = [
        json.dumps({"id": f"wire-{i}", "title": title, "text": text, "date": f"2024-06-{i + 1:02d}",
                    "url": f"https://jsonl.example.org/story/{i}", "source": "jsonl wire"})
        for i, (title, text) in enumerate(stories)
    ]  # fmt: skip
    lines.insert(2, "")  # a blank line is skipped, not an error
    lines.insert(3, '{"id": "broken", "text": ')  # a bad line: kept as a failed input
    lines.append(json.dumps({"id": "no-text", "title": "only a title"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def archives(folder: Path) -> list[str]:
    """A WARC, a WARC.gz and a JSON-lines file under ``folder``; their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        str(write_warc(folder / "crawl.warc", STORIES[:3], "wire.example.net", gz=False)),
        str(write_warc(folder / "crawl.warc.gz", STORIES[3:], "news.example.com", gz=True)),
        str(write_jsonl(folder / "feed.jsonl", STORIES)),
    ]
