"""Prints the performance tables of docs/speed.md from one run of `scripts/bench`: criterion's means for
benches/report.rs, the Python medians of benches/python/bench.py, and the peak RSS figures;
then, given the JSON that benches/http/ wrote, the rows over HTTP (small messages under load,
the 64 MiB round trip, the servers' peak RSS) and the issue's targets, met or missed.

Usage: table.py PYTHON_JSON RSS_OWNED RSS_VIEW [HTTP_JSON]   (run from the repository root)
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
    union_rows(python)
    print()
    print(f"Peak RSS decoding the 64 MiB message (message included): chainmodel owned {rss_owned / 2**20:.0f} MiB, "
          f"view {rss_view / 2**20:.0f} MiB, Python {python['large_64mib/msgpack_decode_peak_rss_bytes'] / 2**20:.0f} MiB.")
    print()
    for check in checks:
        print(check)
    if len(sys.argv) > 4:
        print()
        http_tables(json.load(open(sys.argv[4])))


def union_rows(python: dict) -> None:
    """The recursive plain union, 20 models deep: chainmodel against pydantic on the same message."""
    print("| plain union of recursive models, 20 deep | chainmodel | Python (pydantic + truss) | ratio |")
    print("|---|---|---|---|")
    for label, op in [("JSON decode", "json_decode"), ("msgpack decode", "msgpack_decode")]:
        ours = mean_ms("report_union_depth20", f"chainmodel_{op}")
        py = python.get(f"union_depth20/{op}")
        if ours is None or py is None:
            continue
        py_ms = py * 1000
        print(f"| {label} | {ours * 1000:.3g} µs | {py_ms:.4g} ms | {py_ms / ours:.0f}x faster |")


# The issues' targets for the HTTP rows.
SMALL_BINARY_VS_TRUSS = 20
SMALL_BINARY_VS_HYPER = 0.8
ROUND_TRIP_VS_ECHO = 1.25
VIEWS_VS_ECHO = 1.1
# The server's peak RSS over a 64 MiB call, as a multiple of the message.
RSS_VS_MESSAGE = 1.1


def http_tables(http: dict) -> None:
    small, large, rss = http["small"], http["large"], http["rss"]
    checks = []
    print(f"| small model, {http['connections']} connections | server | mode | requests/s | p50 | p99 | × truss "
          "| CPU busy: server, load generator |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in ("binary", "json"):
        truss = small.get(f"truss/{mode}")
        for server, label in (("chainmodel", "chainmodel Chainlet"), ("truss", "truss server (Python)"),
                              ("bare-hyper", "bare hyper, echoing the bytes (floor)")):
            row = small.get(f"{server}/{mode}")
            if row is None:
                continue
            ratio = f"{row['requests_per_second'] / truss['requests_per_second']:.1f}×" if truss else "–"
            print(f"| {row['body_bytes']} B request | {label} | {mode} | {row['requests_per_second']:,.0f} "
                  f"| {row['p50_ms']:.2f} ms | {row['p99_ms']:.2f} ms | {ratio} "
                  f"| {row['server_cpu']:.0%}, {row['load_generator_cpu']:.0%} |")
            if row["errors"]:
                checks.append(f"MISS {label} {mode}: {row['errors']} failed requests")
        if truss and mode == "binary":
            ratio = small["chainmodel/binary"]["requests_per_second"] / truss["requests_per_second"]
            verdict = "ok" if ratio >= SMALL_BINARY_VS_TRUSS else "MISS"
            checks.append(f"{verdict} small model, binary: {ratio:.1f}× truss's requests/s "
                          f"(target at least {SMALL_BINARY_VS_TRUSS}×)")
        bare = small.get(f"bare-hyper/{mode}")
        if bare and mode == "binary":
            ratio = small["chainmodel/binary"]["requests_per_second"] / bare["requests_per_second"]
            verdict = "ok" if ratio >= SMALL_BINARY_VS_HYPER else "MISS"
            checks.append(f"{verdict} small model, binary: {ratio:.2f}× a bare hyper echo's requests/s "
                          f"(target at least {SMALL_BINARY_VS_HYPER}×)")
    print()
    if "stub" in http:
        print("| small model, one call at a time | generated stub `run_remote` | encode + `call_raw` + decode by hand | ratio |")
        print("|---|---|---|---|")
        for mode in ("binary", "json"):
            row = http["stub"].get(mode)
            if row:
                print(f"| {mode} | {row['stub_us']:.1f} µs | {row['call_raw_us']:.1f} µs | {row['stub_us'] / row['call_raw_us']:.3f} |")
        print()
    floor = large["bare_echo_ms"]
    print(f"| 64 MiB float32 array, round trip | median of {large['iterations']} | × bare echo |")
    print("|---|---|---|")
    rows = [
        ("bare_echo_ms", "bare TCP echo of the bytes, warm buffers (floor)"),
        ("chainmodel_ms", "chainmodel client → Chainlet adding 10, owned arrays"),
        ("chainmodel_views_ms", "chainmodel client → view-echo handler, views at both ends"),
        ("chainmodel_to_truss_ms", "chainmodel client → truss server"),
        ("truss_stub_ms", "truss stub → truss server (Python at both ends)"),
    ]
    for key, label in rows:
        if key in large:
            print(f"| {label} | {large[key]:.1f} ms | {large[key] / floor:.2f}× |")
    for key, label, target in (("chainmodel_ms", "owned", ROUND_TRIP_VS_ECHO),
                               ("chainmodel_views_ms", "views at both ends", VIEWS_VS_ECHO)):
        ratio = large[key] / floor
        verdict = "ok" if ratio <= target else "MISS"
        checks.append(f"{verdict} 64 MiB round trip, {label}: {ratio:.2f}× the bare echo (target at most {target}×)")
    print()
    message = rss["message_bytes"]

    def growth(key: str) -> str:
        before, after = rss[key]["before_bytes"], rss[key]["after_bytes"]
        return f"+{(after - before) / 2**20:.0f} MiB ({(after - before) / message:.2f}×)"

    print(f"Peak RSS of the server process over one 64 MiB call, beyond its peak before the call "
          f"(the message is {message / 2**20:.0f} MiB): chainmodel Chainlet echo {growth('chainmodel_echo')}, "
          f"view handler answering small {growth('chainmodel_view')}, with mimalloc returning freed memory "
          f"at once; with mimalloc's defaults (the timing rows) {growth('chainmodel_echo_mimalloc_defaults')} "
          f"and {growth('chainmodel_view_mimalloc_defaults')}"
          + (f"; the truss server, echo, over its calls {growth('truss_echo')}." if "truss_echo" in rss else "."))
    for key, label in (("chainmodel_echo", "owned echo adding 10"), ("chainmodel_view", "view handler")):
        ratio = (rss[key]["after_bytes"] - rss[key]["before_bytes"]) / message
        verdict = "ok" if ratio <= RSS_VS_MESSAGE else "MISS"
        checks.append(f"{verdict} peak RSS, {label}: {ratio:.2f}× the message (target at most {RSS_VS_MESSAGE}×)")
    print()
    for check in checks:
        print(check)


if __name__ == "__main__":
    main()
