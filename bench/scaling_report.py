"""Table, linear fits and chart of bench/scaling.sh's runs: OUT/raw/*-T<T>-N<N>-ranking.json -> OUT/scaling.md, .svg.

usage: python3 bench/scaling_report.py OUT

For each model and runtime the p50 latency is fitted as a + b*T*N, minimising the relative residuals (the
points span three orders of magnitude, so plain least squares would fit the largest ones only). Linear growth
in T*N shows as a small largest relative residual, and as a cost per candidate-event (p50 / (T*N)) that stays
flat from the smallest request to the largest.
"""
import glob
import json
import math
import os
import re
import sys


def load(out):
    rows = []
    for p in sorted(glob.glob(os.path.join(out, "raw", "*-ranking.json"))):
        m = re.search(r"-T(\d+)-N(\d+)(-[a-z]+)?-ranking\.json$", p)
        if not m:
            continue
        t, n = int(m.group(1)), int(m.group(2))
        doc = json.load(open(p))
        for r in doc["records"]:
            if r["status"] == "ok":
                rows.append(dict(model=r["model"], runtime=r["runtime"], T=t, N=n, p50=r["p50_us"],
                                 meta=dict(machine=doc["machine"], jvm=doc["jvm"], clock=doc.get("clock", "wall"),
                                           load=doc.get("load_average"), date=doc["date"])))
    return rows


def fit(points):
    """y = a + b*x minimising sum(((a + b*x - y) / y)^2); returns a, b and the largest |residual| / y."""
    # Weighted least squares with weights 1/y^2: the normal equations of sum(w * (a + b*x - y)^2).
    w = [1 / (y * y) for _, y in points]
    sw = sum(w)
    sx = sum(wi * x for wi, (x, _) in zip(w, points))
    sy = sum(wi * y for wi, (_, y) in zip(w, points))
    sxx = sum(wi * x * x for wi, (x, _) in zip(w, points))
    sxy = sum(wi * x * y for wi, (x, y) in zip(w, points))
    b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
    a = (sy - b * sx) / sw
    worst = max(abs(a + b * x - y) / y for x, y in points)
    return a, b, worst


def main(out):
    rows = load(out)
    if not rows:
        sys.exit("no runs under %s/raw" % out)
    models = sorted({r["model"] for r in rows})
    runtimes = sorted({r["runtime"] for r in rows})
    lines = ["# Ranking cost as T and N grow", ""]
    meta = rows[0]["meta"]
    loads = [r["meta"]["load"] for r in rows if r["meta"]["load"] is not None]
    lines.append("Machine: %s; %s; clock: %s; load average at the runs' ends from %.1f to %.1f. Command: `bench/scaling.sh`."
                 % (meta["machine"], meta["jvm"], meta["clock"], min(loads), max(loads)))
    lines.append("")
    lines.append("p50 latency in ms (one thread), and ONNX Runtime's p50 divided by the engine's:")
    lines.append("")
    lines.append("| model | T | N | T·N | " + " | ".join(runtimes) + " | engine vs ORT | "
                 + " | ".join("%s ns per T·N" % rt for rt in runtimes) + " |")
    lines.append("|---|---|---|---|" + "---|" * (2 * len(runtimes) + 1))
    key = {(r["model"], r["runtime"], r["T"], r["N"]): r["p50"] for r in rows}
    engine = [rt for rt in runtimes if rt.startswith("engine")]
    for m in models:
        for t in sorted({r["T"] for r in rows}):
            for n in sorted({r["N"] for r in rows}):
                vals = [key.get((m, rt, t, n)) for rt in runtimes]
                if all(v is None for v in vals):
                    continue
                ratio = ""
                if engine and key.get((m, engine[0], t, n)) and key.get((m, "onnxruntime", t, n)):
                    ratio = "%.2f×" % (key[(m, "onnxruntime", t, n)] / key[(m, engine[0], t, n)])
                lines.append("| %s | %d | %d | %d | %s | %s | %s |" % (
                    m, t, n, t * n, " | ".join("%.3f" % (v / 1e3) if v else "–" for v in vals), ratio,
                    " | ".join("%.0f" % (v * 1e3 / (t * n)) if v else "–" for v in vals)))
    lines.append("")
    lines.append("A dash: not timed there. bench/scaling.sh times a model on the engine alone where torch's ONNX export of it")
    lines.append("outlasts EXPORT_SECONDS (the exporter's time grows faster than linearly in an unrolled recurrence: DIEN")
    lines.append("at T = 500 had not finished after 20 CPU minutes).")
    lines.append("")
    lines.append("Linear fit p50 = a + b·T·N over the points of each model and runtime (relative least squares); b is")
    lines.append("the cost of one candidate × history event; the worst residual is the largest |fit − p50| / p50:")
    lines.append("")
    lines.append("| model | runtime | points | a (µs) | b (ns per T·N) | worst residual |")
    lines.append("|---|---|---|---|---|---|")
    fits = {}
    for m in models:
        for rt in runtimes:
            pts = [(r["T"] * r["N"], r["p50"]) for r in rows if r["model"] == m and r["runtime"] == rt]
            if len(pts) < 3:
                continue
            a, b, worst = fit(pts)
            fits[(m, rt)] = (a, b)
            lines.append("| %s | %s | %d | %.1f | %.2f | %.1f%% |" % (m, rt, len(pts), a, b * 1e3, worst * 100))
    open(os.path.join(out, "scaling.md"), "w").write("\n".join(lines) + "\n")
    open(os.path.join(out, "scaling.svg"), "w").write(svg(rows, models, runtimes, fits))
    print("\n".join(lines))


def svg(rows, models, runtimes, fits):
    """Log-log chart of p50 against T·N, one panel per model; a slope of 1 is linear growth."""
    w, h, pad = 460, 340, 60
    xs = [r["T"] * r["N"] for r in rows]
    ys = [r["p50"] / 1e3 for r in rows]
    x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    y0, y1 = math.log10(min(ys)) - 0.2, math.log10(max(ys)) + 0.2
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
           % (w * len(models), h + 30)]
    for k, m in enumerate(models):
        ox = k * w

        def px(x):
            return ox + pad + (math.log10(x) - x0) / (x1 - x0) * (w - pad - 20)

        def py(y):
            return h - pad + 20 - (math.log10(y) - y0) / (y1 - y0) * (h - pad - 20)

        out.append('<text x="%d" y="16" font-size="13">%s ranking: p50 (ms, log) vs T·N (log), one thread</text>'
                   % (ox + pad, m))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>'
                   % (ox + pad, 20, w - pad - 20, h - pad))
        for e in range(int(math.ceil(y0)), int(math.floor(y1)) + 1):
            out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (ox + pad - 4, py(10 ** e) + 4, 10 ** e))
        for e in range(int(math.ceil(x0)), int(math.floor(x1)) + 1):
            out.append('<text x="%.1f" y="%d" text-anchor="middle">1e%d</text>' % (px(10 ** e), h - pad + 36, e))
        for j, rt in enumerate(runtimes):
            c = colours[j % len(colours)]
            pts = sorted((r["T"] * r["N"], r["p50"] / 1e3) for r in rows if r["model"] == m and r["runtime"] == rt)
            for x, y in pts:
                out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (px(x), py(y), c))
            if (m, rt) in fits:
                a, b = fits[(m, rt)]
                xs_ = [pts[0][0] * (pts[-1][0] / pts[0][0]) ** (i / 40) for i in range(41)]
                seg = " ".join("%.1f,%.1f" % (px(x), py((a + b * x) / 1e3)) for x in xs_ if a + b * x > 0)
                out.append('<polyline points="%s" fill="none" stroke="%s"/>' % (seg, c))
            out.append('<text x="%d" y="%d" fill="%s">● %s (line: a + b·T·N)</text>' % (ox + pad + 8, 36 + 14 * j, c, rt))
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main(sys.argv[1])
