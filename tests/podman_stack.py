"""The deployment of deploy/, built and run with podman on this machine (no Docker daemon, no
image registry): the app image from deploy/Dockerfile unchanged (its base as a build argument),
PostgreSQL, two app replicas and nginx with deploy/nginx/alliance.conf, as deploy/compose.yaml
describes them. Used by tests/test_image.py (`make image-test`).

Where a registry image is named, a local stand-in is built on a Debian bookworm base made by
debootstrap (deploy/podman/*.Containerfile). Containers share the host's network (podman's
network setup is refused here), so compose's service names become 127.0.0.1 and free ports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from alliance.paths import ROOT
from tests.harness import free_port

PODMAN = shutil.which("podman")
DEPLOY = ROOT / "deploy"
STAND_INS = DEPLOY / "podman"
DEBIAN = "localhost/alliance-debian:bookworm"
PYTHON = "localhost/alliance-python:3.11-bookworm"
POSTGRES = "localhost/alliance-postgres:bookworm"
NGINX = "localhost/alliance-nginx:bookworm"
APP = "localhost/alliance-territoires-app"
DEBIAN_MIRROR = "http://deb.debian.org/debian"


def podman(*args: str, timeout: float = 1800, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTAINERS_CONF": str(STAND_INS / "containers.conf")}
    done = subprocess.run(
        [PODMAN or "podman", "--runtime", "runc", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and done.returncode:
        raise RuntimeError(f"podman {' '.join(args[:2])} failed ({done.returncode}): {done.stderr[-1500:]}")
    return done


def has_image(name: str) -> bool:
    return podman("image", "exists", name, check=False).returncode == 0


def image_mb(name: str) -> float:
    return round(int(podman("image", "inspect", "--format", "{{.Size}}", name).stdout.strip()) / 1e6, 1)


def build_stand_ins() -> None:
    """The Debian base (debootstrap, minbase) and the stand-ins for python:3.11-slim-bookworm,
    postgres:15 and nginx:1.27, each built once and kept."""
    if not has_image(DEBIAN):
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            rootfs = Path(tmp) / "rootfs"
            subprocess.run(
                ["debootstrap", "--variant=minbase", "bookworm", str(rootfs), DEBIAN_MIRROR],
                check=True,
                capture_output=True,
                timeout=900,
            )
            tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
            env = {**os.environ, "CONTAINERS_CONF": str(STAND_INS / "containers.conf")}
            subprocess.run([PODMAN or "podman", "import", "-", DEBIAN], stdin=tar.stdout, env=env, check=True)
            tar.wait()
    for image, containerfile in ((PYTHON, "python"), (POSTGRES, "postgres"), (NGINX, "nginx")):
        if has_image(image):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            context = Path(tmp)
            shutil.copytree(STAND_INS, context, dirs_exist_ok=True)
            shutil.copy("/etc/ssl/certs/ca-certificates.crt", context / "ca-certificates.crt")
            podman("build", "--pull=never", "--network=host", "-f", f"{containerfile}.Containerfile", "-t", image, tmp)


def build_app() -> float:
    """Build deploy/Dockerfile as it is, on the Python stand-in; the seconds it took."""
    start = time.perf_counter()
    podman(
        "build",
        "--pull=never",
        "--network=host",
        "--format=docker",  # as Docker builds it: OCI images drop the HEALTHCHECK
        "--build-arg",
        f"BASE_IMAGE={PYTHON}",
        "-f",
        str(DEPLOY / "Dockerfile"),
        "-t",
        APP,
        str(ROOT),
    )
    return round(time.perf_counter() - start, 1)


def wait_for(url: str, timeout_s: float = 120) -> float:
    """Seconds until `url` answers 200."""
    start = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return round(time.perf_counter() - start, 1)
        except OSError:
            pass
        if time.perf_counter() - start > timeout_s:
            raise TimeoutError(f"{url} did not answer in {timeout_s} s")
        time.sleep(0.3)


@dataclass
class Stack:
    proxy: str
    replicas: dict[str, str]  # container name -> its own URL
    database_url: str
    password: str
    figures: dict[str, float] = field(default_factory=dict)


def compose_services() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]


def app_environment(pg_port: int, pg_password: str, port: int) -> dict[str, str]:
    """compose.yaml's environment of the app service, its service names and variables resolved
    for the host network."""
    env = {}
    for key, value in compose_services()["app"]["environment"].items():
        value = str(value).replace("${POSTGRES_PASSWORD}", pg_password).replace("@db:5432", f"@127.0.0.1:{pg_port}")
        value = value.replace("${ALLIANCE_COOKIE_SECRET:?définir ALLIANCE_COOKIE_SECRET}", "secret-des-repliques")
        env[key] = value
    env["FORWARDED_ALLOW_IPS"] = "127.0.0.1"  # nginx, on the same host network
    env["STREAMLIT_SERVER_PORT"] = str(port)
    return env


def nginx_conf(proxy_port: int, replica_ports: list[int]) -> str:
    """deploy/nginx/alliance.conf with the replicas and the port of this host; the static files'
    folders stay /srv/assets, as in compose."""
    conf = (DEPLOY / "nginx" / "alliance.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in replica_ports)
    conf, n_servers = re.subn(r"^\s*server app:8501.*# REPLICAS$", servers, conf, flags=re.M)
    conf, n_listen = re.subn(r"listen 8080;", f"listen 127.0.0.1:{proxy_port};", conf)
    assert n_servers == 1 and n_listen == 1, "deploy/nginx/alliance.conf changed its markers"
    return conf


@contextmanager
def running_stack(folder: Path, password: str = "s3cret") -> Iterator[Stack]:
    """PostgreSQL, two replicas of the app image and nginx, as compose.yaml runs them; removed
    after (their logs kept in `folder`)."""
    prefix = f"alliance-test-{os.getpid()}"
    pg_port, proxy_port = free_port(), free_port()
    ports = {f"{prefix}-app-{i}": free_port() for i in (1, 2)}
    pg_password = "mdp-postgres-de-test"
    names: list[str] = []
    for sub in ("assets", "generated"):
        (folder / sub).mkdir(exist_ok=True)
    os.chown(folder / "generated", 10001, 10001)  # the app image's user (a new compose volume does this)
    (folder / "editor_password").write_text(password)
    (folder / "alliance.conf").write_text(nginx_conf(proxy_port, list(ports.values())))

    def run(name: str, *args: str) -> None:
        names.append(name)
        podman("run", "-d", "--name", name, "--network=host", *args)

    try:
        db = compose_services()["db"]["environment"]
        run(
            f"{prefix}-db",
            "-e", f"POSTGRES_DB={db['POSTGRES_DB']}", "-e", f"POSTGRES_USER={db['POSTGRES_USER']}",
            "-e", f"POSTGRES_PASSWORD={pg_password}", "-e", f"PGPORT={pg_port}",
            POSTGRES,
        )  # fmt: skip
        for _ in range(120):
            ready = podman("exec", f"{prefix}-db", "pg_isready", "-qh", "127.0.0.1", "-p", str(pg_port), check=False)
            if ready.returncode == 0:
                break
            time.sleep(0.5)
        assets = compose_services()["assets"]
        volume = f"{folder}/assets:/srv/assets"
        podman("run", "--rm", "--network=host", "--user", assets["user"], "-v", volume, APP, *assets["command"])
        starts = {}
        for name, port in ports.items():
            environment = app_environment(pg_port, pg_password, port)
            env = [arg for key, value in environment.items() for arg in ("-e", f"{key}={value}")]
            started = time.perf_counter()
            run(
                name,
                *env,
                "-v", f"{folder}/editor_password:/run/secrets/editor_password:ro",
                "-v", f"{folder}/generated:/app/static/generated",
                APP,
            )  # fmt: skip
            starts[name] = started
        start_s = {}
        for name, port in ports.items():
            wait_for(f"http://127.0.0.1:{port}/_stcore/health")
            start_s[name] = round(time.perf_counter() - starts[name], 1)
        run(
            f"{prefix}-nginx",
            "-v", f"{folder}/alliance.conf:/etc/nginx/conf.d/default.conf:ro",
            "-v", f"{folder}/assets:/srv/assets:ro",
            "-v", f"{folder}/generated:/srv/assets/app/generated:ro",
            NGINX,
        )  # fmt: skip
        wait_for(f"http://127.0.0.1:{proxy_port}/_stcore/health", 60)
        yield Stack(
            proxy=f"http://127.0.0.1:{proxy_port}",
            replicas={name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
            database_url=f"postgresql+psycopg://alliance:{pg_password}@127.0.0.1:{pg_port}/alliance",
            password=password,
            figures={"replica_start_to_healthy_s": max(start_s.values())},
        )
    finally:
        for name in names:
            logs = podman("logs", name, check=False)
            (folder / f"{name}.log").write_text(logs.stdout + logs.stderr)
            podman("rm", "-f", name, check=False)
