"""Run Unrolled as N app processes behind nginx on one machine (`make run-cluster`).

    python scripts/run_cluster.py [--nodes 2] [--host 127.0.0.1] [--port 8000]

Sessions live in one process, so every request of a session must reach the process that holds
it. Each process is started with UNROLLED_NODE=n1, n2, ...; its session tokens start with that
name ("n2.<boot>.<random>"), and nginx routes a WebSocket resume (?session=TOKEN) and every
/api/sessions/TOKEN/... request to the process the token names. Everything else (the page, a new
WebSocket, static files) goes to any process (round robin). See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")

NGINX_CONF = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 70m;
    proxy_request_buffering off;  # uploads stream through; the app enforces its byte limits
{upstreams}
    upstream any {{
{servers}
    }}
    # the node a session token names: ?session=n2.xxx (WebSocket) or /api/sessions/n2.xxx/...
    map $arg_session $ws_node {{
        "~^(?<node>n[0-9]+)\\." $node;
        default any;
    }}
    map $uri $api_node {{
        "~^/api/sessions/(?<node>n[0-9]+)\\." $node;
        default any;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}
    server {{
        listen {host}:{port};
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        location /ws {{
            proxy_pass http://$ws_node;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }}
        location /api/sessions/ {{
            proxy_pass http://$api_node;
        }}
        location / {{
            proxy_pass http://any;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    """nginx on this machine (Debian's package), or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_conf(prefix: Path, host: str, port: int, app_ports: list[int]) -> str:
    """The proxy's configuration for app processes n1..nN on app_ports."""
    upstreams = "\n".join(
        f"    upstream n{i} {{ server 127.0.0.1:{p}; }}" for i, p in enumerate(app_ports, 1)
    )
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in app_ports)
    return NGINX_CONF.format(
        prefix=prefix, host=host, port=port, upstreams=upstreams, servers=servers
    )


def uvicorn_command(port: int, log_level: str = "warning") -> list[str]:
    """The app under uvicorn on 127.0.0.1:port: a node of the cluster, and the server the tests
    and benches start (tests/conftest.py)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        log_level,
    ]


def wait_healthy(url: str, procs: list[subprocess.Popen], seconds: float = 60) -> None:
    """Until GET url/healthz answers 200 (RuntimeError if a process died or time ran out)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"a process of the cluster exited before {url} was healthy")
        try:
            with urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy in {seconds:.0f} s")


@contextmanager
def cluster(
    nodes: int = 2,
    host: str = "127.0.0.1",
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """N app processes and nginx in front of them; yields the proxy's URL, stops all at exit."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
    port = port or free_port()
    app_ports = [free_port() for _ in range(nodes)]
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="unrolled-cluster-") as tmp:
        prefix = Path(tmp)
        try:
            for i, app_port in enumerate(app_ports, 1):
                node_env = {**os.environ, **(env or {}), "UNROLLED_NODE": f"n{i}"}
                procs.append(subprocess.Popen(uvicorn_command(app_port), cwd=ROOT, env=node_env))
            for app_port in app_ports:
                wait_healthy(f"http://127.0.0.1:{app_port}", procs)
            conf = prefix / "nginx.conf"
            conf.write_text(nginx_conf(prefix, host, port, app_ports), encoding="utf-8")
            procs.append(
                subprocess.Popen(
                    [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                    stderr=subprocess.DEVNULL,
                )
            )
            url = f"http://{host}:{port}"
            wait_healthy(url, procs)
            yield url
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()
    with cluster(args.nodes, args.host, args.port) as url:
        print(f"Unrolled: {args.nodes} processes behind nginx at {url}/ (Ctrl+C stops them)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
