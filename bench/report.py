"""docs/performance.md's measured table and docs/performance.png, from bench/results/<size>.json. Only
what those files hold is written: nothing here is typed in by hand."""

from __future__ import annotations

import json
from pathlib import Path

START, END = "<!-- RESULTS START (written by `python -m bench`) -->", "<!-- RESULTS END -->"


def load(results: Path) -> list[dict]:
    runs = [json.loads(p.read_text()) for p in results.glob("*.json")]
    return sorted(runs, key=lambda r: r["size"])


def table(runs: list[dict]) -> str:
    if not runs:
        return "_No results yet: run `python -m bench`._\n"
    names = list(dict.fromkeys(n for r in runs for n in r["results"]))
    sizes = [r["size"] for r in runs]
    lines = []
    for r in runs:
        d = r["drain"]
        lines.append(
            f"- {r['size']:,} customers, measured {r['measured_at']}: gunicorn {r['gunicorn']['workers']} workers × "
            f"{r['gunicorn']['threads']} threads, {r['cpus']} CPUs; {r['duration_s']} s per endpoint and phase; "
            f"throughput with {r['users']} concurrent clients. Durable-job drain (no-op kind, one process): "
            f"{d['ran']:,} jobs in {d['seconds']} s = **{d['jobs_per_s']:,.0f} jobs/s**."
        )
    lines.append("")
    head = "| endpoint | " + " | ".join(
        f"{s:,}: p50 / p95 ms (1 client) | {s:,}: req/s ({runs[0]['users']} clients) | {s:,}: × floor"
        for s in sizes
    )
    if len(runs) > 1:
        head += f" | growth p95 {sizes[0]:,}→{sizes[-1]:,} |"
    else:
        head += " |"
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for name in names:
        cells = [f"`{name}`"]
        for r in runs:
            m = r["results"].get(name)
            floor = r["results"].get("floor")
            if not m:
                cells += ["–", "–", "–"]
                continue
            one, many = m["one_client"], m["concurrent"]
            fail = one["failures"] + many["failures"]
            cells.append(f"{one['p50_ms']:.0f} / {one['p95_ms']:.0f}" + (f" ({fail} failed)" if fail else ""))
            cells.append(f"{many['rps']:,.0f}")
            ratio = many["rps"] / floor["concurrent"]["rps"] if floor and floor["concurrent"]["rps"] else 0
            cells.append(f"{ratio:.2f}")
        if len(runs) > 1:
            a, b = runs[0]["results"].get(name), runs[-1]["results"].get(name)
            cells.append(
                f"{b['one_client']['p95_ms'] / a['one_client']['p95_ms']:.2f}×"
                if a and b and a["one_client"]["p95_ms"]
                else "–"
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n![p95 and throughput per endpoint](performance.png)\n"


def plot(runs: list[dict], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(n for r in runs for n in r["results"]))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    width = 0.8 / max(len(runs), 1)
    for i, r in enumerate(runs):
        xs = [j + i * width for j in range(len(names))]
        p95 = [r["results"].get(n, {}).get("one_client", {}).get("p95_ms", 0) for n in names]
        floor = r["results"].get("floor", {}).get("concurrent", {}).get("rps") or 1
        ratio = [r["results"].get(n, {}).get("concurrent", {}).get("rps", 0) / floor for n in names]
        ax1.bar(xs, p95, width, label=f"{r['size']:,} customers")
        ax2.bar(xs, ratio, width, label=f"{r['size']:,} customers")
    ax1.axhline(50, color="red", linestyle="--", linewidth=1, label="target p95 50 ms")
    ax1.set_ylabel("p95 ms, one client")
    ax1.legend()
    ax2.axhline(0.3, color="red", linestyle="--", linewidth=1, label="target 0.3× floor")
    ax2.set_ylabel("throughput ÷ floor")
    ax2.set_xticks([j + width * (len(runs) - 1) / 2 for j in range(len(names))])
    ax2.set_xticklabels(names, rotation=35, ha="right")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=90)
    plt.close(fig)


def write(results: Path, doc: Path, png: Path) -> None:
    runs = load(results)
    text = doc.read_text() if doc.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    doc.write_text(f"{before}{START}\n{table(runs)}{END}{after}")
    if runs:
        plot(runs, png)
