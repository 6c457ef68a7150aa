"""Runs truss's real inference server (the `truss` wheel's, as a deployed truss runs it) serving
one chainlet of tests/python/chains/, on 127.0.0.1, for the Rust tests (tests/truss_support/).

Usage:
    truss_server.py [FILE:]CHAINLET [--port P] [--env K=V ...] [--dependency NAME=URL ...]
                    [--cache-dir DIR] [--ready-timeout S] [--ignore-stdin] [--prepare-only]

CHAINLET is a class of chains/binary_io.py (or of chains/FILE). Steps:

1. Build (once, cached under --cache-dir by a hash of the chainlet sources, this script and the
   truss version): truss_chains' own code generation turns the chainlet into a truss dir
   (`code_gen.gen_truss_chainlet`, what `truss chains push` runs), truss's
   `ServingImageBuilderContext.run(truss_dir).prepare_image_build_dir(build_dir)` turns that
   into a docker build context, and the context's Dockerfile `COPY`s are replayed into
   `root/` (`/app` becomes `root/app`: server/ contents, model/, config.yaml; `/packages`
   becomes `root/packages`). Nothing is installed: the venv running this script already holds
   what the context's requirements name (truss, and truss's server dependencies).
2. Run the context's `main.py` in this process, with `INFERENCE_SERVER_PORT` set, from
   `root/app` as the Dockerfile's ENTRYPOINT does, with three adjustments no file of the wheel
   or the context is edited for:
   - loopback: truss's server hard-codes `uvicorn.Config(host="0.0.0.0", ...)`; `uvicorn.Config`
     is replaced by a subclass that forces `host="127.0.0.1"`. Before READY, the script checks
     that every socket the process listens on is bound to 127.0.0.1 and exits otherwise.
   - `/packages`: model_wrapper.py appends the absolute `/packages` to sys.path; here
     `root/packages` is appended instead.
   - `/etc/b10_dynamic_config`: truss reads a deployed chain's dependency URLs from the
     dynamic config file `dynamic_chainlet_config` there; `DYNAMIC_CONFIG_MOUNT_DIR` (in
     truss's shared module and in the server's copy) points to a directory of this run
     instead, which holds `{NAME: {"predict_url": URL}}` for each `--dependency NAME=URL`.
     That is how a chainlet with `chains.depends(Worker)` finds its Worker here.
   The environment also gets `DISABLE_JSON_LOGGING=1` (plain log lines), a `HOME` of this run
   (truss touches `~/inference_server_crashed.txt`), `TRUSS_SECRET_baseten_chain_api_key`
   (the chains API key a stub sends, `chainmodel-test-key` unless --env sets it), and no
   OTEL/Honeycomb exporter variables and 127.0.0.1 in NO_PROXY, so that nothing leaves
   127.0.0.1; then each --env K=V.
3. Print `READY http://127.0.0.1:PORT` on stdout (the only line it prints there) once
   `GET /v1/models/model` answers 200, within --ready-timeout seconds (default 60), else exit
   1. The server's log (access lines included) goes to stderr.
4. Exit, ending the server, when stdin reaches EOF (so that a test process that dies leaves
   no server behind); --ignore-stdin for a run by hand.

--port 0 (the default) lets the server bind a free port, reported in the READY line.
--prepare-only builds (or finds) the cached dir, prints its path and exits.
"""

import argparse
import hashlib
import http.client
import json
import os
import pathlib
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
CHAINS_DIR = HERE / "chains"
DEFAULT_SOURCE = "binary_io.py"
CHAIN_NAME = "chainmodel-tests"
HOST = "127.0.0.1"
API_KEY_SECRET = "baseten_chain_api_key"
DEFAULT_API_KEY = "chainmodel-test-key"
# Variables that would make truss's tracing export spans off this machine.
EXPORTER_VARS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACING_NDJSON_FILE", "HONEYCOMB_DATASET", "HONEYCOMB_API_KEY")


def log(message: str) -> None:
    print(f"truss_server.py: {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chainlet", help="[FILE:]CLASS, a chainlet of tests/python/chains/ (FILE defaults to binary_io.py)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one, the default)")
    parser.add_argument("--env", action="append", default=[], metavar="K=V", help="environment of the server")
    parser.add_argument(
        "--dependency", action="append", default=[], metavar="NAME=URL", help="predict URL of the chainlet NAME this one depends on"
    )
    parser.add_argument("--cache-dir", type=pathlib.Path, default=pathlib.Path(tempfile.gettempdir()) / "chainmodel-truss-server")
    parser.add_argument("--ready-timeout", type=float, default=60.0)
    parser.add_argument("--ignore-stdin", action="store_true", help="do not exit at stdin's EOF")
    parser.add_argument("--prepare-only", action="store_true", help="build the cached dir, print its path, exit")
    args = parser.parse_args()
    for option, pairs in (("--env", args.env), ("--dependency", args.dependency)):
        for pair in pairs:
            if "=" not in pair or not pair.split("=", 1)[0]:
                parser.error(f"{option} takes NAME=VALUE, got {pair!r}")
    return args


# Building the server's directory ######################################################


def chainlet_source(spec: str) -> tuple[pathlib.Path, str]:
    file_name, _, class_name = spec.rpartition(":")
    source = CHAINS_DIR / (file_name or DEFAULT_SOURCE)
    if not source.is_file():
        raise SystemExit(f"truss_server.py: no chainlet source {source}")
    return source, class_name


def cache_key(source: pathlib.Path, class_name: str) -> str:
    import importlib.metadata

    digest = hashlib.sha256()
    parts = [
        f"{source.name}:{class_name}",
        importlib.metadata.version("truss"),
        sys.version,
        pathlib.Path(__file__).read_text(),
    ]
    for path in sorted(CHAINS_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts.append(f"{path.relative_to(CHAINS_DIR)}\0{path.read_text()}")
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0\0")
    return digest.hexdigest()[:16]


def generate_truss_dir(source: pathlib.Path, class_name: str, work: pathlib.Path) -> pathlib.Path:
    """truss_chains' code generation for one chainlet, as `truss chains push` runs it."""
    from truss_chains import framework
    from truss_chains.deployment import code_gen

    # code_gen writes under tempfile.gettempdir() (and replaces what another run left there)
    # and formats the model file with `ruff` from PATH (the venv's).
    saved_tempdir, saved_path = tempfile.tempdir, os.environ.get("PATH", "")
    tempfile.tempdir = str(work / "gen")
    (work / "gen").mkdir()
    os.environ["PATH"] = os.pathsep.join([str(pathlib.Path(sys.executable).parent), saved_path])
    try:
        with framework.ChainletImporter.import_target(source, class_name) as chainlet_cls:
            descriptor = framework.get_descriptor(chainlet_cls)
            return code_gen.gen_truss_chainlet(CHAINS_DIR, CHAIN_NAME, descriptor, model_name=class_name)
    finally:
        tempfile.tempdir = saved_tempdir
        os.environ["PATH"] = saved_path


def replay_dockerfile(build: pathlib.Path, root: pathlib.Path) -> dict:
    """Copies what the context's Dockerfile `COPY`s into `root`, an image filesystem's stand-in;
    returns the Dockerfile's ENV values and ENTRYPOINT."""
    env: dict[str, str] = {}
    workdir = "/"
    entrypoint = None

    def expand(text: str) -> str:
        def value(m: re.Match) -> str:
            name = m.group(1) or m.group(3)
            return env.get(name) or (m.group(2) or "")

        return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)", value, text)

    lines = (build / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    for line in lines:
        words = line.split()
        if not words:
            continue
        instruction = words[0].upper()
        if instruction == "ENV":
            name, _, value = line.split(None, 1)[1].partition("=")
            env[name] = expand(value.strip().strip('"'))
        elif instruction == "WORKDIR":
            workdir = expand(words[1])
        elif instruction == "COPY":
            paths = [w for w in words[1:] if not w.startswith("--")]
            if any(w.startswith("--from") for w in words[1:]) or len(paths) != 2:
                raise SystemExit(f"truss_server.py: cannot replay `{line}`")
            src, dest = build / paths[0], expand(paths[1])
            dest_path = root / pathlib.PurePosixPath(workdir, dest).relative_to("/")
            if src.is_dir():
                shutil.copytree(src, dest_path, dirs_exist_ok=True)
            else:
                dest_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest_path)
        elif instruction == "ENTRYPOINT":
            entrypoint = json.loads(line.split(None, 1)[1])
    return {"env": env, "entrypoint": entrypoint}


def prepare(spec: str, cache_dir: pathlib.Path) -> pathlib.Path:
    """The cached `root` dir of `spec`'s server, built on first use."""
    source, class_name = chainlet_source(spec)
    key = cache_key(source, class_name)
    final = cache_dir / f"{source.stem}-{class_name}-{key}"
    if (final / "harness.json").is_file():
        os.utime(final)  # its mtime is its last use (prune_older_builds)
        return final
    started = time.monotonic()
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix=f".{class_name}-", dir=cache_dir))
    try:
        sys.dont_write_bytecode = True  # no __pycache__ in chains/, which is copied into the truss
        truss_dir = generate_truss_dir(source, class_name, work)
        from truss.contexts.image_builder.serving_image_builder import ServingImageBuilderContext

        build = work / "build"
        ServingImageBuilderContext.run(truss_dir).prepare_image_build_dir(build)
        root = work / "root"
        image = replay_dockerfile(build, root)
        app_home = image["env"].get("APP_HOME", "/app")
        if image["entrypoint"] != ["python3", f"{app_home}/main.py"]:
            raise SystemExit(f"truss_server.py: unexpected ENTRYPOINT {image['entrypoint']}")
        meta = {"chainlet": spec, "key": key, "app_home": app_home, "image_env": image["env"]}
        (root / "harness.json").write_text(json.dumps(meta, indent=2))
        try:
            os.rename(root, final)
        except OSError:  # another run built it meanwhile
            if not (final / "harness.json").is_file():
                raise
        log(f"built {final} in {time.monotonic() - started:.1f} s")
        prune_older_builds(final)
    finally:
        sys.dont_write_bytecode = False
        shutil.rmtree(work, ignore_errors=True)
    return final


def prune_older_builds(final: pathlib.Path) -> None:
    """Removes the builds of the same chainlet from older sources, once unused for an hour
    (a server from another checkout may still run from one)."""
    prefix = final.name.rsplit("-", 1)[0] + "-"
    for other in final.parent.glob(f"{prefix}*"):
        if other != final and time.time() - other.stat().st_mtime > 3600:
            shutil.rmtree(other, ignore_errors=True)


# Running it ############################################################################


def listening_addresses() -> list[tuple[str, int]]:
    import psutil

    return [
        (c.laddr.ip, c.laddr.port)
        for c in psutil.Process().net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]


def ready_status(port: int) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", "/v1/models/model")
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


def announce_when_ready(ready_out, deadline: float, run_dir: pathlib.Path, requested_port: int) -> None:
    while time.monotonic() < deadline:
        addresses = listening_addresses()
        if addresses:
            if any(ip != HOST for ip, _ in addresses):
                log(f"the server listens on {addresses}, not only on {HOST}: stopping it")
                quit_now(run_dir, 1)
            port = addresses[0][1]
            if requested_port and port != requested_port:
                log(f"the server listens on port {port}, not {requested_port}: stopping it")
                quit_now(run_dir, 1)
            if ready_status(port) == 200:
                ready_out.write(f"READY http://{HOST}:{port}\n")
                ready_out.flush()
                return
        time.sleep(0.05)
    log(f"the server was not ready within the timeout (its log is above): stopping it")
    quit_now(run_dir, 1)


def quit_now(run_dir: pathlib.Path, code: int) -> None:
    sys.stderr.flush()
    shutil.rmtree(run_dir, ignore_errors=True)
    os._exit(code)


def exit_at_stdin_eof(run_dir: pathlib.Path) -> None:
    while sys.stdin.buffer.read1(1 << 16):
        pass
    quit_now(run_dir, 0)


def run(root: pathlib.Path, args: argparse.Namespace) -> None:
    meta = json.loads((root / "harness.json").read_text())
    app = root / pathlib.PurePosixPath(meta["app_home"]).relative_to("/")
    run_dir = pathlib.Path(tempfile.mkdtemp(prefix="chainmodel-truss-run-"))
    (run_dir / "home").mkdir()
    dynamic_config = run_dir / "b10_dynamic_config"
    dynamic_config.mkdir()
    if args.dependency:
        urls = {name: {"predict_url": url} for name, url in (pair.split("=", 1) for pair in args.dependency)}
        (dynamic_config / "dynamic_chainlet_config").write_text(json.dumps(urls))

    for name in EXPORTER_VARS:
        os.environ.pop(name, None)
    os.environ.update(
        {
            "INFERENCE_SERVER_PORT": str(args.port),
            "DISABLE_JSON_LOGGING": "1",
            "HOME": str(run_dir / "home"),
            f"TRUSS_SECRET_{API_KEY_SECRET}": DEFAULT_API_KEY,
        }
    )
    for name in ("NO_PROXY", "no_proxy"):  # a chains stub calling 127.0.0.1 never takes a proxy
        os.environ[name] = ",".join(filter(None, [os.environ.get(name), HOST, "localhost"]))
    os.environ.update(pair.split("=", 1) for pair in args.env)

    # As `python3 /app/main.py` in WORKDIR /app: the app dir first on sys.path, not this one's.
    sys.path[0] = str(app)
    sys.path.append(str(root / "packages"))  # model_wrapper.py appends "/packages"
    os.chdir(app)

    import uvicorn

    class LoopbackConfig(uvicorn.Config):
        def __init__(self, *a, **kw) -> None:
            kw["host"] = HOST
            super().__init__(*a, **kw)

    uvicorn.Config = LoopbackConfig

    import _truss_shared.dynamic_config_resolver
    import truss.templates.shared.dynamic_config_resolver

    for module in (_truss_shared.dynamic_config_resolver, truss.templates.shared.dynamic_config_resolver):
        module.DYNAMIC_CONFIG_MOUNT_DIR = str(dynamic_config)

    # stdout carries the READY line only; everything the server prints goes to stderr.
    ready_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)

    # uvicorn shuts down gracefully on SIGINT and SIGTERM, then raises the signal again to the
    # handler it found: this one.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: quit_now(run_dir, 0))
    if not args.ignore_stdin:
        threading.Thread(target=exit_at_stdin_eof, args=(run_dir,), daemon=True).start()
    deadline = time.monotonic() + args.ready_timeout
    threading.Thread(target=announce_when_ready, args=(ready_out, deadline, run_dir, args.port), daemon=True).start()

    import runpy

    try:
        runpy.run_path(str(app / "main.py"), run_name="__main__")
    finally:
        log("the server stopped")
        quit_now(run_dir, 1)


def main() -> None:
    args = parse_args()
    root = prepare(args.chainlet, args.cache_dir.resolve())
    if args.prepare_only:
        print(root)
        return
    run(root, args)


if __name__ == "__main__":
    main()
