"""The API under load, on loopback only: text latency, scans per minute with 2 workers, memory, a 60 s load run.

Starts the real server (uvicorn subprocess, 127.0.0.1, a free port, a temporary DOCKET_HOME). Uses the demo
models when `make run` has created them under var/ (the figures say which model version served).
Environment: DOCKET_BENCH_LOAD_S (default 60), DOCKET_BENCH_TEXTS (200), DOCKET_BENCH_SCANS (6);
DOCKET_BENCH_DEMO_HOME (default var/): the DOCKET_HOME whose demo models and data to serve with;
DOCKET_DATABASE_URL (a PostgreSQL URL) measures the service on that database instead of SQLite.

A text request's time is split with the service's Server-Timing header: `pipeline` (process_stored's wall
time), `store` (the document file, serialising, the commit and their fsyncs) and the rest of the API (HTTP,
authentication, validation, the response), which is what the request took minus both.
"""

from __future__ import annotations

import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent

ORGS = ["Министерство строительства Челябинской области", "Администрация города Миасса", "Прокуратура Центрального района",
        "Управление Роспотребнадзора", "ГКУ «Центр занятости населения»", "Комитет по тарифам"]  # fmt: skip
TOPICS = ["о ремонте кровли школы", "о выделении субсидии", "о предоставлении информации", "о проверке обращения",
          "о согласовании проекта", "о переносе сроков работ"]  # fmt: skip


def letter(rng: random.Random) -> str:
    number = f"{rng.randint(1, 99):02d}-{rng.randint(1, 40)}/{rng.randint(100, 9999)}"
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    return (
        f"{rng.choice(ORGS)}\nот {day:02d}.{month:02d}.2026 № {number}\nГубернатору области\n\n"
        f"Уважаемый Алексей Леонидович!\n\nНаправляем письмо {rng.choice(TOPICS)}. Просим рассмотреть вопрос "
        f"и сообщить о принятом решении в срок до {rng.randint(1, 28):02d}.12.2026.\n\n"
        f"Заместитель министра {rng.choice(['И.И. Петров', 'А.С. Смирнова', 'В.В. Кузнецов'])}\n"
        f"Исп. {rng.choice(['Орлова Е.П.', 'Белов К.Н.'])}, тел. (351) {rng.randint(200, 299)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}\n"
    )


def scan_png(text: str) -> bytes:
    """A page-sized grey scan of the letter at 200 dpi with a little noise, made with Pillow."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    width, height = 1654, 2339
    image = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 34)
    except OSError:
        font = ImageFont.load_default()
    y = 160
    for paragraph in text.splitlines():
        words, line = paragraph.split(), ""
        for word in words + [None]:
            candidate = f"{line} {word}".strip() if word else line
            if word and draw.textlength(candidate, font=font) < width - 300:
                line = candidate
                continue
            draw.text((150, y), line, fill=20, font=font)
            y += 52
            line = word or ""
        if not words:
            y += 30
    image = image.rotate(0.6, fillcolor=245).filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(200, 200))
    return buffer.getvalue()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def server_timing(response) -> dict[str, float]:
    parts = (part.strip().split(";dur=") for part in response.headers.get("Server-Timing", "").split(","))
    return {name: float(value) for name, value in (p for p in parts if len(p) == 2)}


def run(results_dir: Path) -> dict:
    import httpx

    load_s = float(os.environ.get("DOCKET_BENCH_LOAD_S", "60"))
    n_texts = int(os.environ.get("DOCKET_BENCH_TEXTS", "200"))
    n_scans = int(os.environ.get("DOCKET_BENCH_SCANS", "6"))
    rng = random.Random(7)
    home = Path(tempfile.mkdtemp(prefix="docket-bench-service-"))
    port = free_port()
    env = {**os.environ, "DOCKET_HOME": str(home), "DOCKET_WORKERS": "2", "OMP_THREAD_LIMIT": "1"}
    demo = Path(os.environ.get("DOCKET_BENCH_DEMO_HOME") or ROOT / "var")
    if (demo / "models" / "current").is_file():
        env.update(DOCKET_MODELS_DIR=str(demo / "models"), DOCKET_DATA_DIR=str(demo / "data"))
    cli = [sys.executable, "-m", "docket.cli"]
    subprocess.run([*cli, "tenant", "create", "bench"], env=env, check=True, capture_output=True)
    key = subprocess.run(
        [*cli, "key", "create", "--tenant", "bench", "--rate-limit", "1000000"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
         "--host", HOST, "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://{HOST}:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    results: dict = {}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("the server did not start")
            for _ in range(5):  # warm-up: models and lazy resources load on first use
                client.post("/v1/documents", json={"text": letter(rng)}).raise_for_status()
            model_version = client.get("/v1/models").json()["model_version"]

            latencies, pipeline_ms, stages_ms, store_ms = [], [], [], []
            for _ in range(n_texts):
                started = time.perf_counter()
                response = client.post("/v1/documents", json={"text": letter(rng), "channel": "email"})
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                timing = server_timing(response)
                stages_ms.append(sum(response.json()["timings_ms"].values()))
                pipeline_ms.append(timing.get("pipeline", stages_ms[-1]))  # a server without the header
                store_ms.append(timing.get("store", 0.0))
            # as an EDMS sends them: with an Idempotency-Key, so a retry is safe
            idempotent = []
            for n in range(max(1, n_texts // 2)):
                started = time.perf_counter()
                response = client.post(
                    "/v1/documents",
                    json={"text": letter(rng), "channel": "email"},
                    headers={"Idempotency-Key": f"bench-{n}"},
                )
                idempotent.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            rss_idle = tree_rss_mb(server.pid)

            scans = [scan_png(letter(rng)) for _ in range(n_scans)]
            started = time.perf_counter()
            jobs = [
                client.post("/v1/documents", files={"file": (f"scan{i}.png", data, "image/png")}).json()["id"]
                for i, data in enumerate(scans)
            ]
            health_ms, peak_rss, states = [], rss_idle, {}
            while True:
                t0 = time.perf_counter()
                client.get("/health")
                health_ms.append((time.perf_counter() - t0) * 1000)
                peak_rss = max(peak_rss, tree_rss_mb(server.pid))
                states = {job: client.get(f"/v1/jobs/{job}").json()["status"] for job in jobs}
                if all(state in {"done", "failed"} for state in states.values()):
                    break
                if time.perf_counter() - started > 900:
                    raise RuntimeError("scans did not finish in 15 minutes")
                time.sleep(0.5)
            scan_s = time.perf_counter() - started
            scans_done = sum(state == "done" for state in states.values())

        counts = {"requests": 0, "errors": 0}
        lock = threading.Lock()
        stop_at = time.perf_counter() + load_s

        def load_worker(seed: int) -> None:
            local = random.Random(seed)
            with httpx.Client(base_url=base, headers=headers, timeout=60) as session:
                while time.perf_counter() < stop_at:
                    try:
                        if local.random() < 0.7:
                            response = session.post("/v1/documents", json={"text": letter(local)})
                        else:
                            response = session.get("/v1/quality")
                        ok = response.status_code < 400
                    except httpx.HTTPError:
                        ok = False
                    with lock:
                        counts["requests"] += 1
                        counts["errors"] += 0 if ok else 1

        threads = [threading.Thread(target=load_worker, args=(seed,)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rss_after = tree_rss_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    results = {
        "p50_ms_text": round(statistics.median(latencies), 1),
        "p95_ms_text": round(percentile(latencies, 0.95), 1),
        "p50_ms_text_pipeline": round(statistics.median(pipeline_ms), 1),
        "p95_ms_text_pipeline": round(percentile(pipeline_ms, 0.95), 1),
        "p50_ms_text_pipeline_stages": round(statistics.median(stages_ms), 1),
        "p50_ms_text_api_overhead": round(
            statistics.median(a - b for a, b in zip(latencies, pipeline_ms, strict=True)), 1
        ),
        "p95_ms_text_api_overhead": round(
            percentile([a - b for a, b in zip(latencies, pipeline_ms, strict=True)], 0.95), 1
        ),
        "p50_ms_text_store": round(statistics.median(store_ms), 1),
        "p50_ms_text_idempotent": round(statistics.median(idempotent), 1),
        "p95_ms_text_idempotent": round(percentile(idempotent, 0.95), 1),
        "text_requests": len(latencies),
        "scans_per_min": round(scans_done / scan_s * 60, 2),
        "scans": n_scans,
        "scans_done": scans_done,
        "scan_seconds": round(scan_s, 1),
        "p95_ms_health_during_scans": round(percentile(health_ms, 0.95), 1),
        "workers": 2,
        "rss_mb": round(max(peak_rss, rss_after), 1),
        "rss_mb_idle": round(rss_idle, 1),
        "load_seconds": load_s,
        "load_requests": counts["requests"],
        "load_errors": counts["errors"],
        "load_rps": round(counts["requests"] / load_s, 1),
        "model_version": model_version,
        "database": (os.environ.get("DOCKET_DATABASE_URL") or "sqlite").split(":", 1)[0].split("+")[0],
        "cpu_count": os.cpu_count(),
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
    }
    print(f"{'measure':<28}{'value':>14}")
    for name, value in results.items():
        print(f"{name:<28}{value!s:>14}")
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "service.json").write_text(json.dumps(results, indent=2) + "\n")
    return results
