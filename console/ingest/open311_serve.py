"""Open311 beside the OsmAnd intake in one serve process: one uvicorn, two listening ports.

uvicorn serves one application on the sockets it is given; the application here picks the
OsmAnd or the Open311 app by the port a connection came in on, so each protocol keeps its own
port and a client of one never reaches the other's routes.
"""
from __future__ import annotations

import socket

from starlette.types import ASGIApp, Receive, Scope, Send

DEFAULT_PORT = 8080


def by_port(apps: dict[int, ASGIApp]) -> ASGIApp:
    """An ASGI app that hands each HTTP connection to the app of its local port."""
    fallback = next(iter(apps.values()))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            # No app here needs startup or shutdown work of its own.
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        server = scope.get("server")
        await apps.get(server[1] if server else None, fallback)(scope, receive, send)

    return app


def listen(host: str, ports: list[int], backlog: int = 4096) -> list[socket.socket]:
    """Bound, listening sockets for uvicorn (address reuse as uvicorn sets it itself)."""
    out = []
    for port in ports:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.set_inheritable(True)
        out.append(sock)
    return out


def mounted(osmand_app: ASGIApp, db, *, host: str, port: int, open311_port: int, data_dir
            ) -> tuple[ASGIApp, list[socket.socket]]:
    """The serve process's app and sockets with Open311 on `open311_port` beside OsmAnd."""
    import logging

    from console.ingest.open311 import PREFIX, create_open311_app

    if open311_port == port:
        raise ValueError(f"--port-open311 {open311_port} is the OsmAnd port too")
    app = by_port({port: osmand_app, open311_port: create_open311_app(db, data_dir=data_dir)})
    try:
        sockets = listen(host, [port, open311_port])
    except OSError as exc:
        raise ValueError(f"cannot listen on {host} ports {port} and {open311_port}: {exc}") \
            from None
    logging.getLogger("console.ingest").info(
        "Open311 GeoReport v2 on http://%s:%d%s/ (photos in %s)", host, open311_port, PREFIX,
        data_dir)
    return app, sockets
