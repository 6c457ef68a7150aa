"""Parses a chainlet's `GET /metrics` text (on stdin) with prometheus_client's OpenMetrics parser
(`prometheus_client.openmetrics.parser.text_string_to_metric_families`, the strict one: `# EOF`
last, histograms' buckets cumulative and ending at +Inf, counters' samples `_total`, ...) for
tests/chains_python.rs; prints the families as JSON:
`[{"name", "type", "documentation", "samples": [{"name", "labels", "value"}]}]`.
A text the parser refuses fails the script with the parser's error.
"""

import json
import math
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main() -> None:
    text = sys.stdin.read()
    families = []
    for family in text_string_to_metric_families(text):
        samples = []
        for sample in family.samples:
            value = sample.value
            samples.append({"name": sample.name, "labels": dict(sample.labels), "value": None if math.isnan(value) else value})
        families.append({"name": family.name, "type": family.type, "documentation": family.documentation, "samples": samples})
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
