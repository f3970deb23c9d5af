"""How fast `ecs-advisor audit` reads and judges a large region, and prints the figures.

1. Reading: moto_server on 127.0.0.1 behind a proxy (also on 127.0.0.1) that adds a fixed
   latency to every call, seeded with N services in one cluster (each with a task definition of
   its own, the worst case for DescribeTaskDefinition); then `python -m advisor audit` through
   the proxy, timed, with the calls the proxy saw. Target: 2,000 services at 50 ms in under 30 s.
2. Judging: the live source, the rules and the pricing on M generated services, in-process
   (no AWS at all). Target: 16,000 services in under 2 s, and linear (M/2 in about half).

It asserts nothing and exits 0; it needs the test extra (moto[server]). Nothing leaves loopback.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REGION = "eu-west-1"
ACCOUNT = "123456789012"
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Proxy(ThreadingHTTPServer):
    """Forwards every request to the upstream port after ``latency`` seconds; counts them."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, upstream: int, latency: float) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream, self.latency = upstream, latency
        self.calls: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()


class _Forward(BaseHTTPRequestHandler):
    server: Proxy
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects

    def log_message(self, *args: object) -> None:
        pass

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target") or self.command + " " + self.path.split("?")[0]
        with self.server.lock:
            self.server.calls[target.rsplit(".", 1)[-1]] += 1
        time.sleep(self.server.latency)
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in (
                "connection",
                "transfer-encoding",
                "content-length",
                "server",
                "date",
            ):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = _forward


def start_moto(port: int, log: Path) -> subprocess.Popen:
    executable = Path(sys.executable).with_name("moto_server")
    command = str(executable) if executable.exists() else shutil.which("moto_server")
    if not command:
        sys.exit("moto_server is not installed: pip install -e '.[test]'")
    handle = open(log, "w")  # noqa: SIM115 - the process keeps it
    server = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)], stdout=handle, stderr=handle
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("moto_server did not start")


def environment(url: str, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(folder / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(folder / "none"),
        XDG_CACHE_HOME=str(folder / "cache"),
    )
    return env


def seed(url: str, services: int) -> None:
    """``services`` Fargate services in cluster prod, each running a task definition of its own."""
    import boto3

    ecs = boto3.client(
        "ecs",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ecs.create_cluster(clusterName="prod")

    def one(n: int) -> None:
        ecs.register_task_definition(
            family=f"app{n}",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "acme/app:latest", "essential": True}],
        )
        ecs.create_service(
            cluster="prod",
            serviceName=f"svc{n}",
            taskDefinition=f"app{n}:1",
            desiredCount=1,
            launchType="FARGATE",
        )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(services)))


def reading(services: int, latency: float, cloudtrail: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        port = free_port()
        moto = start_moto(port, folder / "moto.log")
        proxy = Proxy(port, latency)
        thread = threading.Thread(target=proxy.serve_forever, daemon=True)
        thread.start()
        try:
            began = time.monotonic()
            seed(f"http://127.0.0.1:{port}", services)
            print(
                f"seeded {services} services and task definitions in {time.monotonic() - began:.1f} s"
            )
            url = f"http://127.0.0.1:{proxy.server_address[1]}"
            began = time.monotonic()
            run = subprocess.run(
                [sys.executable, "-m", "advisor", "audit", "--region", REGION, "--cloudtrail",
                 cloudtrail, "--format", "json", "--output", str(folder / "audit.json"), "--quiet"],
                env=environment(url, folder), capture_output=True, text=True, cwd=REPO,
            )  # fmt: skip
            took = time.monotonic() - began
        finally:
            proxy.shutdown()
            proxy.server_close()
            moto.terminate()
            moto.wait(timeout=10)
        read = "?"
        if (folder / "audit.json").exists():
            import json

            read = json.loads((folder / "audit.json").read_text())["summary"]["services"]
        calls = sum(proxy.calls.values())
        print(
            f"1. reading: {services} services at {latency * 1000:.0f} ms a call: {took:.1f} s "
            f"(exit {run.returncode}, {read} services read, {calls} calls, "
            f"{calls * latency:.0f} s of latency if made one after another); target under 30 s "
            "for 2,000"
        )
        for name, count in proxy.calls.most_common():
            print(f"   {count:6d} {name}")
        if run.returncode not in (0, 1):
            print("   stderr:", run.stderr.strip()[-500:])


def judging(services: int) -> float:
    """Seconds to judge and price ``services`` live services (one task definition each)."""
    from advisor.audit.audit_command import _audit_result, _judge
    from advisor.audit.region_data import RegionData
    from advisor.config import Settings

    data = RegionData(ACCOUNT, REGION)
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
    for n in range(services):
        definition = f"{arn}:task-definition/app{n}:1"
        data.task_definitions[definition] = {
            "taskDefinitionArn": definition,
            "family": f"app{n}",
            "revision": 1,
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                {"name": "app", "image": "acme/app:latest", "essential": True}
            ],
        }
        data.services.append(
            {
                "serviceArn": f"{arn}:service/prod/svc{n}",
                "serviceName": f"svc{n}",
                "clusterArn": f"{arn}:cluster/prod",
                "taskDefinition": definition,
                "desiredCount": 1,
                "launchType": "FARGATE",
                "enableECSManagedTags": False,
                "propagateTags": "NONE",
            }
        )
    settings = Settings()
    result = _audit_result()
    began, cpu = time.perf_counter(), time.process_time()
    _judge(data, settings, result)
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(
        f"2. judging: {services} services: {took:.2f} s ({cpu:.2f} s of CPU: the figure to trust "
        f"on a busy machine; {len(result.findings)} findings, {len(result.costs)} priced)"
    )
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=2000, help="services read (2000)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds a call (0.05)")
    parser.add_argument("--cloudtrail", default="none", help="the audit's --cloudtrail (none)")
    parser.add_argument("--judge", type=int, default=16000, help="services judged (16000)")
    parser.add_argument("--skip-reading", action="store_true", help="only the judging figure")
    args = parser.parse_args()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} (figures on a busy machine are slower)")
    if not args.skip_reading:
        reading(args.services, args.latency, args.cloudtrail)
    half = judging(args.judge // 2)
    full = judging(args.judge)
    print(
        f"   {args.judge} vs {args.judge // 2}: {full / half:.2f}x in CPU (linear: about 2x); target under 2 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
