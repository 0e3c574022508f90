"""One interop scenario per run, driven by test/interop/python.test.ts.

    /usr/bin/python3 scenario.py SCENARIO '{"peer": "127.0.0.1:7001", ...}'

Reports what it did as JSON lines on stdout, {"event": "...", ...}, so the test can order
itself by what actually happened. Any failure is a traceback on stderr and exit status 1.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict
from typing import Any, Callable

import grpc

import proxymesh_client as mesh
from proxymesh_client import Key, Payload


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def pattern(size: int, seed: str) -> bytes:
    """The bytes of test/helpers/data.ts patternBytes(size, seed): SHA-256 blocks, repeated."""
    block = b"".join(hashlib.sha256(f"{seed}:{i}".encode()).digest() for i in range(2048))
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


def describe(payload: Payload) -> dict[str, Any]:
    return {"codec": payload.codec, "size": len(payload.data), "sha256": hashlib.sha256(payload.data).hexdigest()}


def status_of(call: Callable[[], object]) -> str:
    """The gRPC status code name a call fails with, or "OK"."""
    try:
        call()
    except grpc.RpcError as error:
        return error.code().name
    return "OK"


def roundtrip(args: dict[str, Any]) -> None:
    """Puts a multi-piece object and a whole one (with their checksums), reads them back, and reads a missing key."""
    payload = Payload(codec=args["codec"], data=pattern(args["size"], args["seed"]))
    header = mesh.pb.ObjectHeader(codec=payload.codec, size=len(payload.data))
    # The messages put() sends, as put() makes them: header, data pieces, trailer.
    parts = [(m.WhichOneof("part"), len(m.data)) for m in mesh.object_stream(mesh.pb.PutRequest, header, payload.data)]
    key = mesh.put(args["peer"], payload, checksum=True)
    emit("put", key=asdict(key), first=parts[0][0], last=parts[-1][0], pieces=[size for part, size in parts if part == "data"])
    back = mesh.get(key)
    emit("got", identical=back == payload, **describe(back))
    # A small object travels whole, one message each way.
    small = Payload(codec="utf8", data="small, whole".encode())
    emit("small", identical=mesh.get(mesh.put(args["peer"], small, checksum=True)) == small)
    missing = Key(peer=key.peer, incarnation=key.incarnation, id="0" * 32)
    emit("missing", code=status_of(lambda: mesh.get(missing)))


def get(args: dict[str, Any]) -> None:
    """Reads what TypeScript put, and decodes it by its codec tag."""
    payload = mesh.get(Key(**args["key"]))
    decoded = json.loads(payload.data) if payload.codec == "json" else None
    # get() has checked the peer's CRC-32C; report ours so the test can compare implementations.
    emit("got", decoded=decoded, crc32c=mesh.crc32c(payload.data), **describe(payload))


def await_(args: dict[str, Any]) -> None:
    """Creates a deferred key on the peer, then waits for whoever sets it."""
    key, capability = mesh.new_key(args["peer"])
    emit("key", key=asdict(key), capability=capability)
    value = mesh.await_key(key, timeout=30)
    # A utf8 value is text: decode it, and report its length in characters.
    emit("value", chars=len(value.data.decode("utf-8")) if value.codec == "utf8" else None, crc32c=mesh.crc32c(value.data), **describe(value))


def set_(args: dict[str, Any]) -> None:
    """Sets a deferred key made elsewhere, then tries to set it a second time."""
    key = Key(**args["key"])
    payload = Payload(codec=args["codec"], data=pattern(args["size"], args["seed"]))
    mesh.set_key(key, payload, capability=args["capability"], checksum=True)
    emit("set", **describe(payload))
    second = Payload(codec="utf8", data=b"a second value")
    emit("second-set", code=status_of(lambda: mesh.set_key(key, second, capability=args["capability"])))


SCENARIOS = {"roundtrip": roundtrip, "get": get, "await": await_, "set": set_}

if __name__ == "__main__":
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    try:
        SCENARIOS[name](arguments)
    finally:
        mesh.close()
