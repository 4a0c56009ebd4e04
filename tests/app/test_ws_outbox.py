"""The session outbox: frames in order, progress coalesced (newest wins), seq stamped without
gaps, NaN encoded as null."""

import asyncio
import math

import orjson

from app.protocol import Pong, SoftmaxFrame
from app.sessions import Connection, Outbox, Session, encode, stamp


def drain(outbox: Outbox) -> list[bytes]:
    async def take():
        return [await outbox.get() for _ in range(len(outbox))]

    return asyncio.run(take())


def test_progress_frames_coalesce_newest_wins_and_keep_their_place():
    async def fill():
        outbox = Outbox()
        outbox.put(b'{"n":1}')
        outbox.put_progress(b'{"p":1}')
        outbox.put_progress(b'{"p":2}')
        outbox.put(b'{"n":2}')
        outbox.put_progress(b'{"p":3}')
        return outbox

    outbox = asyncio.run(fill())
    assert drain(outbox) == [b'{"n":1}', b'{"p":3}', b'{"n":2}']


def test_a_progress_frame_after_one_was_sent_is_queued_again():
    async def run():
        outbox = Outbox()
        outbox.put_progress(b'{"p":1}')
        first = await outbox.get()
        outbox.put_progress(b'{"p":2}')
        outbox.drop_progress()
        outbox.put_progress(b'{"p":3}')
        return first, await outbox.get(), len(outbox)

    assert asyncio.run(run()) == (b'{"p":1}', b'{"p":3}', 0)


def test_connection_stamps_seq_without_gaps():
    sent = []

    async def run():
        session = Session(token="t", state=None)
        conn = Connection(_collect(sent), _noop)
        conn.session = session
        for re in range(5):
            session.send(encode(Pong(re=re), 1000))
        pump = asyncio.ensure_future(conn.pump())
        await asyncio.sleep(0.01)
        conn.closed = True
        session.outbox.wake()
        await pump

    asyncio.run(run())
    assert [orjson.loads(s)["seq"] for s in sent] == [0, 1, 2, 3, 4]


def _collect(sent):
    async def send_text(text: str) -> None:
        sent.append(text)

    return send_text


async def _noop(code: int) -> None:
    return None


def test_nan_and_infinity_are_encoded_as_null():
    frame = SoftmaxFrame(z=[1.0], o=[math.nan, math.inf], label=None, loss=-math.inf)
    decoded = orjson.loads(stamp(encode(frame, 1000), 7))
    assert decoded["o"] == [None, None] and decoded["loss"] is None and decoded["seq"] == 7
