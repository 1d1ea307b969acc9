"""Prometheus metrics of one app instance (own registry, so several apps in one process do not clash)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "docket_http_requests_total",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "docket_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.documents = Counter(
            "docket_documents_total", "Documents accepted, by path.", ["mode"], registry=self.registry
        )
        self.jobs = Counter(
            "docket_jobs_total", "Jobs finished, by outcome.", ["outcome"], registry=self.registry
        )
        self.jobs_queued = Gauge("docket_jobs_queued", "Jobs waiting for a worker.", registry=self.registry)
        self.jobs_running = Gauge("docket_jobs_running", "Jobs in the worker pool.", registry=self.registry)
        self.callbacks = Counter(
            "docket_callbacks_total", "Callback deliveries, by outcome.", ["outcome"], registry=self.registry
        )
        self.verifications = Counter(
            "docket_verifications_total", "Verified cards received.", registry=self.registry
        )
        self.model_reloads = Gauge(
            "docket_model_reloads", "Model hot reloads since start.", registry=self.registry
        )
