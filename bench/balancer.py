"""nginx in front of several bin/serve for bench/served.sh --servers N: docs/deployment.md's
own configuration, made to run unprivileged on the loopback.

    python bench/balancer.py --listen 8765 --upstream 8766 8767 --dir bench/out/nginx

Takes the ```nginx block of docs/deployment.md as it is (upstream, log format, proxy headers
and timeouts, client_max_body_size) and changes only what a benchmark on 127.0.0.1 must: the
upstream servers are the given ports, the HTTPS server listens on plain HTTP at --listen
without certificates, the port-80 redirect is left out, and nginx's files go into --dir.
Prints the path of the nginx.conf it wrote; run it with ``nginx -c PATH -p DIR``.
"""

import argparse
import re
import sys
from pathlib import Path

DEPLOYMENT = Path(__file__).resolve().parent.parent / "docs" / "deployment.md"


def deployment_config(text: str) -> str:
    match = re.search(r"```nginx\n(.*?)```", text, re.S)
    if not match:
        raise SystemExit("docs/deployment.md has no ```nginx block")
    return match.group(1)


def benchmark_config(config: str, listen: int, upstream: list[int], directory: Path) -> str:
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream)
    config, count = re.subn(
        r"(upstream kokemus \{\n)(?:\s*server [^\n]*\n)+", rf"\1{servers}", config
    )
    if count != 1:
        raise SystemExit(
            "docs/deployment.md's upstream block has changed: update bench/balancer.py"
        )
    blocks = re.split(r"\n(?=server \{)", config)
    redirect = [b for b in blocks if "return 301" in b]
    kept = [b for b in blocks if b not in redirect]
    config = "\n".join(kept)
    config = re.sub(r"listen 443[^;]*;", f"listen 127.0.0.1:{listen};", config)
    config = re.sub(r"\n\s*ssl_certificate(_key)? [^;]*;", "", config)
    config = re.sub(r"server_name [^;]*;", "server_name 127.0.0.1;", config)
    config = config.replace("/var/log/nginx/", f"{directory}/")
    return (
        f"worker_processes 1;\npid {directory}/nginx.pid;\nerror_log {directory}/error.log warn;\n"
        "daemon off;\nevents { worker_connections 1024; }\n"
        f"http {{\nclient_body_temp_path {directory}/body;\nproxy_temp_path {directory}/proxy;\n"
        f"fastcgi_temp_path {directory}/fastcgi;\nuwsgi_temp_path {directory}/uwsgi;\n"
        f"scgi_temp_path {directory}/scgi;\n{config}}}\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--upstream", type=int, nargs="+", required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    directory = args.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    config = deployment_config(DEPLOYMENT.read_text())
    path = directory / "nginx.conf"
    path.write_text(benchmark_config(config, args.listen, args.upstream, directory))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
