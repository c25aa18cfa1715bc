#!/usr/bin/env python3
"""The curve's table and chart, from bench/curve.sh's figures (one JSON per
size, written by leadloop_bench_reports --json and completed by curve.sh).

    python3 bench/curve_chart.py --out DIR reports-100000.json reports-1000000.json ...

Writes DIR/curve.json (every size's figures), DIR/curve.md (the tables) and
DIR/curve.svg: four log-log panels against the number of leads: each
report's time (with the goals), start-up (full and from the snapshot),
memory (the server's peak RSS, the projection) and the ingest rate.
Standard library only.
"""
import argparse
import json
import math
import sys
from xml.sax.saxutils import escape


def load(paths):
    sizes = [json.load(open(p)) for p in paths]
    return sorted(sizes, key=lambda d: d["leads"])


def fmt_int(n):
    return f"{int(round(n)):,}"


def fmt_ms(ms):
    if ms is None:
        return "-"
    return f"{ms:.2f}" if ms < 100 else fmt_int(ms)


def table(sizes):
    out = ["| leads | events | projection load (bench) | serve start, full | serve start, snapshot | "
           "projection | bytes/event | server peak RSS | ingest leads/s (× plain SQLite) | slowest report |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for d in sizes:
        s = d.get("serve", {})
        slow = max(d["reports"], key=lambda r: r["leadloop_ms"])
        out.append(
            f"| {fmt_int(d['leads'])} | {fmt_int(d['events'])} | {d['load_ms'] / 1000:.1f} s | "
            f"{s.get('start_full_ms', 0) / 1000:.1f} s | {s.get('start_snapshot_ms', 0) / 1000:.1f} s | "
            f"{d['projection_mb']:,.0f} MB | {d['bytes_per_event']:.1f} | "
            f"{s.get('peak_rss_mb', 0) / 1024:.2f} GB | "
            f"{fmt_int(s.get('ingest_leads_per_s', 0))} ({s.get('ingest_vs_sqlite', 0):.2f}×) | "
            f"{slow['report']}: {fmt_ms(slow['leadloop_ms'])} ms |")
    out.append("")
    head = "| report | " + " | ".join(f"{fmt_int(d['leads'])}: Leadloop ms (DuckDB-dt/L)" for d in sizes) + " |"
    out += [head, "|---|" + "---:|" * len(sizes)]
    for i, r in enumerate(sizes[0]["reports"]):
        cells = []
        for d in sizes:
            row = d["reports"][i]
            dt = row.get("duckdb_derived_ms")
            ratio = f" ({dt / row['leadloop_ms']:.0f}×)" if dt and row["leadloop_ms"] > 0 else ""
            mark = "" if row.get("same_figures", True) else " DIFFER"
            cells.append(f"{fmt_ms(row['leadloop_ms'])}{ratio}{mark}")
        out.append(f"| {r['report']} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


class Panel:
    """One log-log panel at (x, y) of size (w, h) in the SVG."""

    def __init__(self, x, y, w, h, title, xs, ys, unit):
        self.x, self.y, self.w, self.h = x, y, w, h
        self.title, self.unit = title, unit
        self.x0, self.x1 = math.log10(min(xs)), math.log10(max(xs))
        if self.x1 == self.x0:
            self.x0 -= 0.5
            self.x1 += 0.5
        lo, hi = min(ys), max(ys)
        self.y0 = math.floor(math.log10(lo))
        self.y1 = math.ceil(math.log10(hi))
        if self.y1 == self.y0:
            self.y1 += 1
        self.parts = []

    def px(self, v):
        return self.x + 60 + (math.log10(v) - self.x0) / (self.x1 - self.x0) * (self.w - 80)

    def py(self, v):
        return self.y + self.h - 30 - (math.log10(v) - self.y0) / (self.y1 - self.y0) * (self.h - 60)

    def frame(self, xs):
        p = self.parts
        p.append(f"<text x='{self.x + 60}' y='{self.y + 18}' font-weight='bold'>{escape(self.title)}</text>")
        for e in range(self.y0, self.y1 + 1):
            v = 10 ** e
            y = self.py(v)
            p.append(f"<line x1='{self.x + 60}' x2='{self.x + self.w - 20}' y1='{y:.1f}' y2='{y:.1f}' stroke='#ddd'/>")
            label = f"{v:g}" if v < 1e4 else f"{v:.0e}"
            p.append(f"<text x='{self.x + 55}' y='{y + 4:.1f}' text-anchor='end' font-size='11'>{label}</text>")
        for v in xs:
            x = self.px(v)
            p.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{self.y + 30}' y2='{self.y + self.h - 30}' stroke='#eee'/>")
            label = f"{v / 1e6:g}M" if v >= 1e6 else f"{v / 1e3:g}k"
            p.append(f"<text x='{x:.1f}' y='{self.y + self.h - 12}' text-anchor='middle' font-size='11'>{label}</text>")
        p.append(f"<text x='{self.x + 8}' y='{self.y + self.h / 2}' font-size='11' "
                 f"transform='rotate(-90 {self.x + 12} {self.y + self.h / 2})'>{escape(self.unit)}</text>")

    def line(self, xs, ys, color, width=2, label=None, dash=None, label_dy=0):
        pts = " ".join(f"{self.px(a):.1f},{self.py(b):.1f}" for a, b in zip(xs, ys) if b and b > 0)
        d = f" stroke-dasharray='{dash}'" if dash else ""
        self.parts.append(f"<polyline points='{pts}' fill='none' stroke='{color}' stroke-width='{width}'{d}/>")
        for a, b in zip(xs, ys):
            if b and b > 0:
                self.parts.append(f"<circle cx='{self.px(a):.1f}' cy='{self.py(b):.1f}' r='2.5' fill='{color}'/>")
        if label:
            a, b = xs[-1], ys[-1]
            self.parts.append(f"<text x='{self.px(a) - 4:.1f}' y='{self.py(b) - 6 + label_dy:.1f}' text-anchor='end' "
                              f"font-size='11' fill='{color}'>{escape(label)}</text>")


def chart(sizes):
    xs = [d["leads"] for d in sizes]
    W, H = 1000, 700
    svg = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{W}' height='{H}' font-family='sans-serif' font-size='12'>",
           f"<rect width='{W}' height='{H}' fill='white'/>"]
    # Reports.
    all_ms = [max(r["leadloop_ms"], 0.01) for d in sizes for r in d["reports"]] + [100]
    p = Panel(0, 0, 500, 350, "Each report's time (warm, best run), ms", xs, all_ms, "ms")
    p.frame(xs)
    worst = max(range(len(sizes[-1]["reports"])), key=lambda i: sizes[-1]["reports"][i]["leadloop_ms"])
    for i, r in enumerate(sizes[0]["reports"]):
        ys = [max(d["reports"][i]["leadloop_ms"], 0.01) for d in sizes]
        p.line(xs, ys, "#c0392b" if i == worst else "#7f8c8d", 2 if i == worst else 1,
               r["report"] if i == worst else None)
    goals = [10 if x <= 1_000_000 else 100 for x in xs]
    p.line(xs, goals, "#27ae60", 1, "goal", dash="5,4", label_dy=-6)
    svg += p.parts
    # Start-up.
    full = [d["serve"]["start_full_ms"] / 1000 for d in sizes]
    snap = [max(d["serve"]["start_snapshot_ms"], 1) / 1000 for d in sizes]
    p = Panel(500, 0, 500, 350, "Start-up of leadloop serve, s", xs, full + snap, "s")
    p.frame(xs)
    p.line(xs, full, "#2c3e50", 2, "full load")
    p.line(xs, snap, "#2980b9", 2, "from the snapshot", label_dy=24)
    svg += p.parts
    # Memory.
    rss = [d["serve"]["peak_rss_mb"] for d in sizes]
    proj = [d["projection_mb"] for d in sizes]
    p = Panel(0, 350, 500, 350, "Memory, MB", xs, rss + proj + [16384], "MB")
    p.frame(xs)
    p.line(xs, rss, "#8e44ad", 2, "server peak RSS")
    p.line(xs, proj, "#16a085", 2, "projection", label_dy=24)
    p.line(xs, [16384] * len(xs), "#27ae60", 1, "16 GB", dash="5,4")
    svg += p.parts
    # Ingest.
    rate = [max(d["serve"]["ingest_leads_per_s"], 1) for d in sizes]
    p = Panel(500, 350, 500, 350, "Bulk capture over HTTP into N leads, leads/s", xs, rate, "leads/s")
    p.frame(xs)
    p.line(xs, rate, "#d35400", 2, "100k leads, 2 connections")
    svg += p.parts
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    sizes = load(a.files)
    sizes = [d for d in sizes if "serve" in d]
    if not sizes:
        print("curve: no complete size to draw", file=sys.stderr)
        return 1
    json.dump(sizes, open(f"{a.out}/curve.json", "w"), indent=2)
    open(f"{a.out}/curve.md", "w").write(table(sizes))
    open(f"{a.out}/curve.svg", "w").write(chart(sizes))
    print(table(sizes))
    print(f"curve: {a.out}/curve.md, {a.out}/curve.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
