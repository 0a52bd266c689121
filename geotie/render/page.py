"""A timeline as one self-contained HTML page: CSS and script inline (written here), no
network request, a Content-Security-Policy that allows only these two blocks (by hash).
Plain text, never through Rich.

The page is rendered here, not by its script: it reads (and prints) without JavaScript.
The script only filters (by actor, tag and status, kept in the address's #fragment).
Every store string goes through `html.escape`; links are made only to http(s) URLs; the
axis is drawn with SVG attributes (no style attribute, which the policy forbids)."""

from __future__ import annotations

import base64
import hashlib
import html
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import IO

from ..dates import describe
from ..model import Actor, DateSpan, Event, Source
from ..text import visible
from .citations import safe_url

#: In the head of every page: `geotie page -o` replaces only a file that has it.
GENERATOR = '<meta name="generator" content="geotie">'

#: Above this many events, the page shows the first ones and says how to see the rest.
PAGE_MAX = 2000

STATUS_NOTE = {
    "occurred": "happened",
    "planned": "announced or planned, not (yet) reported as done",
    "ongoing": "under way at the time of the source",
    "reported": "reported by the source, not confirmed",
    "cancelled": "called off",
}

CSS = """
:root{--ink:#1d232b;--muted:#5b6573;--line:#d5dae1;--bg:#fbfbfc;--occurred:#2f5d8a;--planned:#b7791f;
--ongoing:#1f8a7a;--reported:#8a3f8a;--cancelled:#b03a2e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:16px 24px 8px}
h1{font-size:1.35em;margin:0 0 4px}
.meta,.note{color:var(--muted);font-size:.9em;margin:2px 0}
.truncated{background:#fff4d6;border:1px solid #e8c66a;padding:8px 12px;margin:8px 0;border-radius:4px}
form{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:center;padding:8px 24px;border-bottom:1px solid var(--line);
background:#fff}
form label{font-size:.9em}
fieldset{border:0;margin:0;padding:0;display:flex;gap:10px;flex-wrap:wrap}
legend{font-size:.9em;float:left;margin-right:6px;color:var(--muted)}
#shown{font-size:.9em;color:var(--muted);margin-left:auto}
.axis{display:block;width:100%;height:22px}
.axis text{font-size:11px;fill:var(--muted)}
.axis line{stroke:var(--line)}
ol{list-style:none;margin:0;padding:0 24px 24px}
li.event,li.axis-row{display:grid;grid-template-columns:9.5em 30% minmax(0,1fr);gap:0 16px;align-items:start}
li.event{border-bottom:1px solid var(--line);padding:8px 0}
.axis-row{position:sticky;top:0;background:var(--bg);z-index:1}
.when{font-variant-numeric:tabular-nums;font-weight:600;display:block}
.vague .when{font-style:italic}
.title{font-weight:600}
.status{font-size:.75em;text-transform:uppercase;letter-spacing:.04em;padding:1px 6px;border-radius:3px;
border:1px solid;color:var(--s)}
.s-occurred{--s:var(--occurred)}.s-planned{--s:var(--planned)}.s-ongoing{--s:var(--ongoing)}
.s-reported{--s:var(--reported)}.s-cancelled{--s:var(--cancelled)}
.s-cancelled .title{text-decoration:line-through}
.lane{display:block;width:100%;height:14px;margin:3px 0}
.lane .track{fill:#eef1f4}
.lane .span{fill:var(--s);stroke:var(--s)}
.lane .vague{fill:url(#hatch-occurred);stroke-width:1}
.s-planned .lane .vague{fill:url(#hatch-planned)}.s-ongoing .lane .vague{fill:url(#hatch-ongoing)}
.s-reported .lane .vague{fill:url(#hatch-reported)}.s-cancelled .lane .vague{fill:url(#hatch-cancelled)}
.lane .doubt{stroke-dasharray:3 2}
.lane .open{fill-opacity:.25}
.lane .end{fill:var(--s)}
.s-planned .lane .span,.s-reported .lane .span{fill-opacity:.55}
pattern line{stroke:var(--s);stroke-width:2}
.lane{color:var(--s)}
.who,.tags{font-size:.88em;color:var(--muted)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;margin-right:4px}
.summary{margin:4px 0;font-size:.93em}
.cites{margin:4px 0 0;padding-left:14px;border-left:3px solid var(--line)}
blockquote{margin:4px 0;font-size:.92em}
.src{font-size:.85em;color:var(--muted)}
.legend{font-size:.85em;color:var(--muted);padding:0 24px}
.legend svg{vertical-align:middle}
[hidden]{display:none!important}
@media (max-width:720px){li.event,li.axis-row{grid-template-columns:1fr}.axis-row div{display:none}}
@media print{form{display:none}body{background:#fff;font-size:11pt}li.event{break-inside:avoid}
a[href]::after{content:" <" attr(href) ">";font-size:.8em;color:var(--muted);word-break:break-all}}
"""

SCRIPT = """
(function(){
var form=document.getElementById('filters'),items=document.querySelectorAll('li.event'),
shown=document.getElementById('shown'),actor=document.getElementById('f-actor'),tag=document.getElementById('f-tag'),
boxes=form.querySelectorAll('input[name=status]');
function has(list,v){return (' '+list+' ').indexOf(' '+v+' ')>=0}
function apply(){
var a=actor.value,t=tag.value,st={},n=0,parts=[];
boxes.forEach(function(b){st[b.value]=b.checked;if(!b.checked)parts.push('hide='+b.value)});
items.forEach(function(li){
var ok=st[li.dataset.status]!==false&&(!a||has(li.dataset.actors,a))&&(!t||has(li.dataset.tags,t));
li.hidden=!ok;if(ok)n++});
shown.textContent=n+' of '+items.length+' events shown';
document.body.dataset.shown=n;
if(a)parts.push('actor='+encodeURIComponent(a));if(t)parts.push('tag='+encodeURIComponent(t));
var h=parts.join('&');if(location.hash.slice(1)!==h)history.replaceState(null,'',h?'#'+h:location.pathname);
}
function pick(select,value){
for(var i=0;i<select.options.length;i++)if(select.options[i].value===value)select.value=value}
location.hash.slice(1).split('&').forEach(function(p){
var kv=p.split('='),v=decodeURIComponent(kv[1]||'');
if(kv[0]==='actor')pick(actor,v);else if(kv[0]==='tag')pick(tag,v);
else if(kv[0]==='status'||kv[0]==='hide')boxes.forEach(function(b){
if(kv[0]==='hide'?b.value===v:b.value!==v)b.checked=false})});
form.addEventListener('change',apply);
form.addEventListener('submit',function(e){e.preventDefault()});
form.hidden=false;apply();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


#: Nothing is fetched; only the page's own style and script blocks run.
CSP = (
    f"default-src 'none'; style-src {_hash(CSS)}; script-src {_hash(SCRIPT)}; img-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def e(text: str) -> str:
    """Store text as HTML text or attribute value: escaped, control characters made visible."""
    return html.escape(visible(text), quote=True)


class Axis:
    """Days from `lo` to `hi` (ordinals) as percentages of the width."""

    def __init__(self, events: list[Event]) -> None:
        days = [d for ev in events for d in (ev.date.start, ev.date.end) if d is not None]
        self.lo = min(days).toordinal() if days else date(2000, 1, 1).toordinal()
        self.hi = max(days).toordinal() + 1 if days else self.lo + 366

    def x(self, day: date | None, default: float) -> float:
        if day is None:
            return default
        return max(0.0, min(100.0, 100 * (day.toordinal() - self.lo) / (self.hi - self.lo)))

    def ticks(self) -> list[tuple[float, str]]:
        first, last = date.fromordinal(self.lo).year, date.fromordinal(self.hi - 1).year
        step = next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if (last - first) / s <= 12), 1000)
        return [
            (self.x(date(y, 1, 1), 0), str(y))
            for y in range(first - first % step + step, last + 1, step)
            if self.lo <= date(y, 1, 1).toordinal() < self.hi and self.x(date(y, 1, 1), 0) < 97
        ]


def _pct(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") + "%"


def lane(span: DateSpan, axis: Axis) -> str:
    """The event's possible days on the axis: a solid bar for a known day, hatched for a
    stretch the event falls somewhere in (or spans: an interval says not which), a dashed
    outline when approximate or uncertain, faded to the edge for an open end (with a mark at
    the known end)."""
    start = axis.x(span.start, 0.0)
    end = axis.x(span.end + _ONE_DAY if span.end else None, 100.0)
    width = max(end - start, 0.4)
    classes = ["span"]
    exact = span.precision == "day" and not (span.interval or span.approximate or span.uncertain)
    if not exact:
        classes.append("vague")
    if span.approximate or span.uncertain:
        classes.append("doubt")
    if span.start is None or span.end is None:
        classes.append("open")
    title = e(f"{describe(span)} ({span.text})")
    parts = [
        f'<svg class="lane" role="img" aria-label="{title}"><title>{title}</title>',
        '<rect class="track" x="0" y="3" width="100%" height="8"/>',
        f'<rect class="{" ".join(classes)}" x="{_pct(start)}" y="2" width="{_pct(width)}" height="10"/>',
    ]
    if span.start is None and span.end is not None:
        parts.append(f'<rect class="end" x="{_pct(max(end - 0.3, 0))}" y="0" width="0.3%" height="14"/>')
    if span.end is None and span.start is not None:
        parts.append(f'<rect class="end" x="{_pct(start)}" y="0" width="0.3%" height="14"/>')
    parts.append("</svg>")
    return "".join(parts)


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _event(ev: Event, axis: Axis, actors: dict[str, Actor], source_of: Callable[[str], Source | None]) -> str:
    vague = ev.date.precision != "day" or ev.date.approximate or ev.date.uncertain or ev.date.interval
    names = [e(actors[a].name if a in actors else a) for a in ev.actors]
    cls = f"event s-{e(ev.status)}" + (" vague" if vague else "")
    out = [
        f'<li class="{cls}" id="e-{e(ev.id)}" data-status="{e(ev.status)}" '
        f'data-actors="{e(" ".join(ev.actors))}" data-tags="{e(" ".join(ev.tags))}">',
        '<div class="head">',
        f'<span class="when" title="{e(ev.date.text)}">{e(describe(ev.date))}</span> ',
        f'<span class="status" title="{e(STATUS_NOTE.get(ev.status, ""))}">{e(ev.status)}</span>',
        "</div>",
        lane(ev.date, axis),
        '<div class="body">',
        f'<div class="title">{e(ev.title)}</div>',
        f'<div class="who">{", ".join(names)}</div>',
    ]
    if ev.tags:
        out.append('<div class="tags">' + "".join(f'<span class="tag">{e(t)}</span>' for t in ev.tags) + "</div>")
    if ev.summary:
        out.append(f'<p class="summary">{e(ev.summary)}</p>')
    if ev.date_note:
        out.append(f'<p class="note">Date: {e(ev.date_note)}</p>')
    if ev.outcome:
        out.append(f'<p class="note">Outcome: {e(ev.outcome)}</p>')
    if ev.citations:
        out.append('<div class="cites">')
        for c in ev.citations:
            s = source_of(c.source)
            name = e(s.title if s else c.source)
            url = safe_url(s.url) if s else None
            link = f'<a href="{e(url)}" rel="noopener noreferrer">{name}</a>' if url else name
            when = f", {e(describe(s.published))}" if s and s.published else ""
            extra = f" — {e(c.note)}" if c.note else ""
            out.append(
                f"<blockquote>“{e(c.quote)}”</blockquote>"
                f'<div class="src">— {link}{when} <code>{e(c.source)}</code>{extra}</div>'
            )
        out.append("</div>")
    out.append("</div></li>")
    return "".join(out)


def _options(values: list[tuple[str, str]], everything: str) -> str:
    return f'<option value="">{e(everything)}</option>' + "".join(
        f'<option value="{e(v)}">{e(label)}</option>' for v, label in values
    )


def write_page(
    out: IO[str],
    events: list[Event],
    actors: dict[str, Actor],
    source_of: Callable[[str], Source | None],
    heading: str,
    matched: int,
    generated: str = "",
    more_hint: str = "",
) -> None:
    """`events`: those shown (in timeline order); `matched`: how many the query found (more
    than shown when the page was cut at a limit, which the page then says, with `more_hint`)."""
    axis = Axis(events)
    actor_counts = Counter(a for ev in events for a in dict.fromkeys(ev.actors))
    tag_counts = Counter(t for ev in events for t in dict.fromkeys(ev.tags))
    statuses = Counter(ev.status for ev in events)
    actor_opts = sorted(actor_counts, key=lambda a: (-actor_counts[a], a))
    w = out.write
    w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    w(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n')
    w(GENERATOR + "\n")
    w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    w('<meta name="referrer" content="no-referrer">\n')
    w(f"<title>{e(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n")
    w(f"<h1>{e(heading)}</h1>\n")
    count = f"{len(events)} event" + ("" if len(events) == 1 else "s")
    w(f'<p class="meta">{count}' + (f" · {e(generated)}" if generated else "") + "</p>\n")
    if matched > len(events):
        w(
            f'<p class="truncated" id="truncated">Showing the first {len(events):,} of {matched:,} matching events. '
            f"{e(more_hint)}</p>\n"
        )
    w("</header>\n")
    w('<form id="filters" hidden>\n')
    w('<label>Actor <select id="f-actor">')
    w(_options([(a, f"{actors[a].name if a in actors else a} ({actor_counts[a]})") for a in actor_opts], "any actor"))
    w("</select></label>\n")
    w('<label>Tag <select id="f-tag">')
    w(_options([(t, f"{t} ({tag_counts[t]})") for t in sorted(tag_counts)], "any tag"))
    w("</select></label>\n<fieldset><legend>Status</legend>")
    for s in sorted(statuses):
        w(f'<label class="s-{e(s)}"><input type="checkbox" name="status" value="{e(s)}" checked> {e(s)} ')
        w(f"({statuses[s]})</label>")
    w('</fieldset>\n<span id="shown" aria-live="polite"></span>\n</form>\n')
    w('<svg width="0" height="0" aria-hidden="true"><defs>')
    for status in STATUS_NOTE:  # a hatch in each status's colour
        w(f'<pattern id="hatch-{status}" class="s-{status}" width="4" height="4" patternUnits="userSpaceOnUse" ')
        w('patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4"/></pattern>')
    w("</defs></svg>\n")
    w(
        '<p class="legend">Bars are to scale on one axis: solid = the day is known; hatched = somewhere in '
        "(or over) that stretch; dashed outline = approximate or uncertain; faded to the edge = an open end "
        "(only one end is known).</p>\n"
    )
    w('<ol id="events">\n<li class="axis-row" aria-hidden="true"><div></div><svg class="axis">')
    for x, label in axis.ticks():
        w(f'<line x1="{_pct(x)}" x2="{_pct(x)}" y1="14" y2="22"/><text x="{_pct(x)}" y="11">{label}</text>')
    w("</svg><div></div></li>\n")
    for ev in events:
        w(_event(ev, axis, actors, source_of) + "\n")
    w(f"</ol>\n<script>{SCRIPT}</script>\n</body>\n</html>\n")
