"""A small Python client of a proxymesh peer, written from the proto contract alone.

It compiles proto/proxymesh/v1/peer.proto with grpc_tools.protoc at import time (into a
temporary directory, so no generated code is kept) and speaks the contract:

- a key is {peer, incarnation, id}, and every call about a key goes to key.peer, its owner;
- an object travels as one header (codec tag and size), data pieces of at most 1 MiB each,
  and a trailer (CRC-32C of the payload, or 0 for "not computed"); an object of at most one
  piece may instead travel as a single WholeObject (codec, data, CRC-32C), as peers send it;
- failures are gRPC status codes (grpc.RpcError.code()): NOT_FOUND, ALREADY_EXISTS, ...

Needs only Debian's python3-grpcio and python3-grpc-tools.
"""

from __future__ import annotations

import importlib
import importlib.resources
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from grpc_tools import protoc

# This file lives in test/interop/python/; the contract in proto/ at the repository root.
PROTO_ROOT = Path(__file__).resolve().parents[3] / "proto"
PROTO_FILE = "proxymesh/v1/peer.proto"

# Send data pieces of 1 MiB, as TypeScript peers do: far below gRPC's 4 MiB message limit.
PIECE_BYTES = 1024 * 1024
# Peers may send pieces of up to 4 MiB; with protobuf framing that is just over gRPC's default
# receive limit, so raise it.
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 8 * 1024 * 1024)]


def load_contract(proto_root: Path = PROTO_ROOT) -> tuple[Any, Any]:
    """Compiles the contract and returns its modules: (messages, service stubs)."""
    well_known = importlib.resources.files("grpc_tools") / "_proto"
    with tempfile.TemporaryDirectory(prefix="proxymesh-stubs-") as out:
        status = protoc.main([
            "grpc_tools.protoc",
            f"-I{proto_root}",
            f"-I{well_known}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            PROTO_FILE,
        ])
        if status != 0:
            raise RuntimeError(f"grpc_tools.protoc could not compile {proto_root / PROTO_FILE}")
        sys.path.insert(0, out)
        try:
            messages = importlib.import_module("proxymesh.v1.peer_pb2")
            services = importlib.import_module("proxymesh.v1.peer_pb2_grpc")
        finally:
            sys.path.remove(out)
    return messages, services


pb, pb_grpc = load_contract()


@dataclass(frozen=True)
class Key:
    """Names one object and the peer that owns it (the wire message proxymesh.v1.Key)."""

    peer: str
    incarnation: str
    id: str

    def __str__(self) -> str:
        return f"pm://{self.peer}/{self.incarnation}/{self.id}"

    def message(self) -> Any:
        return pb.Key(peer=self.peer, incarnation=self.incarnation, id=self.id)

    @staticmethod
    def of(message: Any) -> Key:
        return Key(peer=message.peer, incarnation=message.incarnation, id=message.id)


@dataclass(frozen=True)
class Payload:
    """An object's bytes and the tag of the codec that wrote them ("bytes", "utf8", "json", ...)."""

    codec: str
    data: bytes


class CorruptedObject(Exception):
    """A received object does not match its header's size or its trailer's checksum."""


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC32C_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum of the trailer. Pure Python: about 10 MiB/s."""
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


_channels: dict[str, grpc.Channel] = {}


def stub(peer: str) -> Any:
    """The PeerService stub of the peer at "host:port", over one channel per peer."""
    if peer not in _channels:
        _channels[peer] = grpc.insecure_channel(peer, options=CHANNEL_OPTIONS)
    return pb_grpc.PeerServiceStub(_channels[peer])


def whole_object(payload: Payload, checksum: bool = False) -> Any:
    """An object of at most one piece as one message."""
    return pb.WholeObject(codec=payload.codec, data=payload.data, crc32c=crc32c(payload.data) if checksum else 0)


def object_stream(request_type: Any, header: Any, data: bytes, checksum: bool = False) -> Iterator[Any]:
    """The messages of an object stream: header first, then data pieces, trailer last."""
    yield request_type(header=header)
    for offset in range(0, len(data), PIECE_BYTES):
        yield request_type(data=data[offset:offset + PIECE_BYTES])
    yield request_type(trailer=pb.ObjectTrailer(crc32c=crc32c(data) if checksum else 0))


def receive_object(responses: Iterable[Any]) -> Payload:
    """Assembles a Get or Await stream, checking its size and (when sent) its checksum."""
    header = None
    pieces: list[bytes] = []
    expected_crc = 0
    for response in responses:
        part = response.WhichOneof("part")
        if part == "whole" and header is None:
            # The whole object in one message: it carries its own size and checksum.
            header = pb.ObjectHeader(codec=response.whole.codec, size=len(response.whole.data))
            pieces.append(response.whole.data)
            expected_crc = response.whole.crc32c
        elif part == "whole":
            raise CorruptedObject("a whole object arrived inside another object's stream")
        elif part == "header":
            header = response.header
        elif header is None:
            raise CorruptedObject("the object stream did not start with a header")
        elif part == "data":
            pieces.append(response.data)
        elif part == "trailer":
            expected_crc = response.trailer.crc32c
    if header is None:
        raise CorruptedObject("the object stream was empty")
    data = b"".join(pieces)
    if len(data) != header.size:
        raise CorruptedObject(f"received {len(data)} bytes, the header announced {header.size}")
    if expected_crc != 0 and crc32c(data) != expected_crc:
        raise CorruptedObject("the CRC-32C of the received bytes does not match the trailer")
    return Payload(codec=header.codec, data=data)


def put(peer: str, payload: Payload, checksum: bool = False) -> Key:
    """Stores an object on `peer`, which owns it from now on; returns its key."""
    if len(payload.data) <= PIECE_BYTES:
        response = stub(peer).Put(iter([pb.PutRequest(whole=whole_object(payload, checksum))]))
        return Key.of(response.key)
    header = pb.ObjectHeader(codec=payload.codec, size=len(payload.data))
    response = stub(peer).Put(object_stream(pb.PutRequest, header, payload.data, checksum))
    return Key.of(response.key)


def get(key: Key, timeout: float | None = None) -> Payload:
    """Reads an object from its owner. NOT_FOUND if there is none, DATA_LOSS if the owner restarted."""
    return receive_object(stub(key.peer).Get(pb.GetRequest(key=key.message()), timeout=timeout))


def new_key(peer: str) -> tuple[Key, str]:
    """Registers a deferred key on `peer`; returns it with the capability that authorises Set."""
    response = stub(peer).NewKey(pb.NewKeyRequest())
    return Key.of(response.key), response.capability


def await_key(key: Key, timeout: float | None = None) -> Payload:
    """Waits for a key's value, pushed by its owner the moment someone sets it."""
    return receive_object(stub(key.peer).Await(pb.AwaitRequest(key=key.message()), timeout=timeout))


def set_key(key: Key, payload: Payload, capability: str = "", checksum: bool = False) -> None:
    """Fulfils a deferred key, once. ALREADY_EXISTS if it was set before (the first value stays)."""
    if len(payload.data) <= PIECE_BYTES:
        whole = pb.SetHeader(key=key.message(), whole=whole_object(payload, checksum), capability=capability)
        stub(key.peer).Set(iter([pb.SetRequest(header=whole)]))
        return
    header = pb.SetHeader(
        key=key.message(),
        object=pb.ObjectHeader(codec=payload.codec, size=len(payload.data)),
        capability=capability,
    )
    stub(key.peer).Set(object_stream(pb.SetRequest, header, payload.data, checksum))


def close() -> None:
    """Closes every channel."""
    for channel in _channels.values():
        channel.close()
    _channels.clear()
