"""Prometheus text exposition for `/metrics`: requests by route and status, latency histograms, the audit
queue and audits/s. A few counters in a dict (one process, one event loop): no client library needed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

#: Latency histogram bucket bounds, seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    """Counts kept by the request middleware; `render` writes them with the gauges `gauges` reads."""

    def __init__(self, gauges: Callable[[], dict[str, float]]) -> None:
        self.requests: defaultdict[tuple[str, str, int], int] = defaultdict(int)
        self.buckets: defaultdict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.sums: defaultdict[str, float] = defaultdict(float)
        self.counts: defaultdict[str, int] = defaultdict(int)
        self.gauges = gauges

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        buckets = self.buckets[route]
        for index, bound in enumerate(BUCKETS):
            if seconds <= bound:
                buckets[index] += 1
        self.sums[route] += seconds
        self.counts[route] += 1

    def render(self) -> str:
        lines = [
            "# HELP newsaudit_requests_total HTTP requests by method, route template and status.",
            "# TYPE newsaudit_requests_total counter",
        ]
        for (method, route, status), count in sorted(self.requests.items()):
            lines.append(
                f'newsaudit_requests_total{{method="{_label(method)}",route="{_label(route)}",status="{status}"}}'
                f" {count}"
            )
        lines += [
            "# HELP newsaudit_request_seconds Request latency by route template.",
            "# TYPE newsaudit_request_seconds histogram",
        ]
        for route in sorted(self.counts):
            name = _label(route)
            for bound, count in zip(BUCKETS, self.buckets[route], strict=True):
                lines.append(f'newsaudit_request_seconds_bucket{{route="{name}",le="{bound}"}} {count}')
            lines.append(f'newsaudit_request_seconds_bucket{{route="{name}",le="+Inf"}} {self.counts[route]}')
            lines.append(f'newsaudit_request_seconds_sum{{route="{name}"}} {round(self.sums[route], 6)}')
            lines.append(f'newsaudit_request_seconds_count{{route="{name}"}} {self.counts[route]}')
        for name, value in self.gauges().items():
            kind = "counter" if name.endswith("_total") else "gauge"
            lines += [f"# TYPE newsaudit_{name} {kind}", f"newsaudit_{name} {value}"]
        return "\n".join(lines) + "\n"
