"""Pages written for these tests (our own text; nothing here comes from ../shared)."""

from __future__ import annotations

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Ministers meet in Geneva | Example News</title>
<link rel="canonical" href="https://news.example.org/2024/03/ministers-meet-geneva">
<meta property="og:url" content="https://exm.pl/x1">
<meta property="og:site_name" content="Example News">
<meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article>
<h1>Ministers meet in Geneva</h1>
<p>The foreign ministers of three countries met in Geneva on Tuesday to discuss a ceasefire plan
that has been circulating for weeks among diplomats.</p>
<h2>A difficult start</h2>
<p>The talks began late after a dispute over seating arrangements, officials said, and they
continued well into the night.</p>
<p>Another delegate said the atmosphere improved after the first session, when the agenda was
finally adopted by all sides.</p>
<h2>What comes next</h2>
<p>A second round is planned for next month in Vienna, according to a statement released after the
meeting ended.</p>
</article>
<aside><h3>Related</h3><ul><li><a href="/a">Other story about something else entirely</a></li></ul></aside>
<footer>Copyright 2024 Example News</footer>
</body></html>"""

# A legacy-encoded page: no <meta charset>, windows-1252 bytes, the date only in the URL and text.
LEGACY_HTML = """<html><head><title>Caf\u00e9 talks in Gen\u00e8ve</title>
<meta property="og:url" content="https://legacy.example.net/cafe-talks">
<meta http-equiv="content-language" content="fr-CH"></head>
<body><div id="content"><h1>Caf\u00e9 talks in Gen\u00e8ve</h1>
<p>Published on 12 January 2022.</p>
<p>Envoys from the two governments met in a caf\u00e9 near the lake in Gen\u00e8ve to prepare a formal
round of talks planned for the spring, a spokesman said on Wednesday.</p>
<p>The spokesman declined to say whether the \u201cinformal channel\u201d would continue after the
formal round had begun, or who had proposed the meeting in the first place.</p>
</div></body></html>"""

TEXT_PAGE = """Riverside Bulletin
Water Commission Approves Shared Dam Schedule
14 May 2024

The joint water commission approved a shared schedule for releases from the upper dam, ending a dispute \
that began last summer.

Farmers downstream said the schedule would give them certainty for the planting season.
"""

NOT_AN_ARTICLE_HTML = """<!DOCTYPE html><html><head><title>Login</title></head>
<body><nav><a href="/">Home</a></nav><form><input name="user"></form></body></html>"""
