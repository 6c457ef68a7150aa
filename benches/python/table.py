"""Prints the README's performance table from one run of `scripts/bench`: criterion's means for
benches/report.rs, the Python medians of benches/python/bench.py, and the peak RSS figures.

Usage: table.py PYTHON_JSON RSS_OWNED RSS_VIEW   (run from the repository root)
"""

import json
import sys

GROUPS = {"64 MiB float32 array": "report_64mib", "20 000 small models": "report_20k_small"}
PYTHON = {"report_64mib": "large_64mib", "report_20k_small": "small_20k"}
ROWS = [
    ("JSON encode", "json_encode", "baseline_base64_encode", None),
    ("JSON decode", "json_decode", "baseline_base64_decode", None),
    ("msgpack encode", "msgpack_encode", "baseline_memcpy", "msgpack_encode"),
    ("msgpack decode", "msgpack_decode", "baseline_memcpy", "msgpack_decode"),
    ("msgpack decode, view", "msgpack_decode_view", "baseline_memcpy", None),
]


def mean_ms(group: str, name: str):
    try:
        with open(f"target/criterion/{group}/{name}/new/estimates.json") as f:
            return json.load(f)["mean"]["point_estimate"] / 1e6
    except FileNotFoundError:
        return None


def cell(value, baseline):
    if value is None:
        return "–"
    ratio = value / baseline
    return f"{ratio:.2f}× ({value:.3g} ms)" if ratio >= 0.01 else f"{ratio:.1e}× ({value * 1e6:.3g} ns)"


def main() -> None:
    python = json.load(open(sys.argv[1]))
    rss_owned, rss_view = int(sys.argv[2]), int(sys.argv[3])
    checks = []
    print("| workload | operation | baseline | chainmodel | msgpack-numpy crate | rmp-serde / serde_json, array as list | Python (pydantic + truss) |")
    print("|---|---|---|---|---|---|---|")
    for workload, group in GROUPS.items():
        for label, op, baseline_name, _ in ROWS:
            baseline = mean_ms(group, baseline_name)
            ours = mean_ms(group, f"chainmodel_{op}")
            if ours is None:
                continue
            codec = op.split("_")[0]
            peer = mean_ms(group, f"peer_{op}") if codec == "msgpack" else None
            plain = mean_ms(group, f"plain_{op}")
            python_key = f"{PYTHON[group]}/{op}" if op != "msgpack_decode_view" else f"{PYTHON[group]}/msgpack_decode"
            py = python.get(python_key)
            py_ms = None if py is None else py * 1000
            base = baseline_name.replace("baseline_", "").replace("_", " ")
            print(f"| {workload} | {label} | {base}: {baseline:.3g} ms | {cell(ours, baseline)} | {cell(peer, baseline)} "
                  f"| {cell(plain, baseline)} | {cell(py_ms, baseline)} |")
            for other, name in [(peer, "msgpack-numpy crate"), (plain, "plain serde")]:
                if other is not None and ours > other:
                    checks.append(f"MISS {workload}, {label}: slower than {name} ({ours:.3g} ms > {other:.3g} ms)")
            if py_ms is not None:
                checks.append(f"{workload}, {label}: {py_ms / ours:.0f}x faster than Python")
    print()
    print(f"Peak RSS decoding the 64 MiB message (message included): chainmodel owned {rss_owned / 2**20:.0f} MiB, "
          f"view {rss_view / 2**20:.0f} MiB, Python {python['large_64mib/msgpack_decode_peak_rss_bytes'] / 2**20:.0f} MiB.")
    print()
    for check in checks:
        print(check)


if __name__ == "__main__":
    main()
