"""What `truss push` would make of a custom-server truss (examples/deploy): loads its config.yaml
with truss's own loader (`TrussConfig`), generates the serving image's build context with truss's
own builder (as for a deployment, without docker), and prints as JSON what the Rust test checks
against the server it starts: the docker_server section, the command supervisord runs, and the
routes nginx maps to the server's port.

Usage: deploy_config.py TRUSS_DIR
"""

import configparser
import json
import pathlib
import re
import sys
import tempfile

from truss.base.truss_config import TrussConfig
from truss.contexts.image_builder.serving_image_builder import ServingImageBuilderContext

truss_dir = pathlib.Path(sys.argv[1])
config = TrussConfig.from_yaml(truss_dir / "config.yaml")
server = config.docker_server
assert server is not None, "no docker_server section"

with tempfile.TemporaryDirectory() as build:
    build = pathlib.Path(build)
    ServingImageBuilderContext.run(truss_dir).prepare_image_build_dir(build)
    supervisord = configparser.ConfigParser(interpolation=None)
    supervisord.read(build / "supervisord.conf")
    proxy = (build / "proxy.conf").read_text()
    dockerfile = (build / "Dockerfile").read_text()

# nginx's `location` blocks: each exact path Baseten serves and where it is rewritten to.
rewrites = dict(re.findall(r"rewrite \^(\S+)\$ (\S+) break;", proxy))
print(
    json.dumps(
        {
            "model_name": config.model_name,
            "base_image": config.base_image.image if config.base_image else None,
            "start_command": server.start_command,
            "server_port": server.server_port,
            "predict_endpoint": server.predict_endpoint,
            "readiness_endpoint": server.readiness_endpoint,
            "liveness_endpoint": server.liveness_endpoint,
            "supervised_command": supervisord["program:model-server"]["command"],
            "proxy_targets": sorted(set(re.findall(r"proxy_pass (\S+);", proxy))),
            "rewrites": rewrites,
            "image_from": re.findall(r"^FROM (\S+)", dockerfile, re.M),
        }
    )
)
