#!/usr/bin/env python3
"""Writes sample.jsonl: a small, deterministic market session in the format
`ploy record` writes (one websocket message per line, with the local receive
time): {"recv_ms": <ms>, "msg": <the market-channel message, verbatim>}.

The session is synthetic: it was generated from the documented message shapes
(book, price_change, last_trade_price; see docs.polymarket.com, market
channel) because no live feed was reachable when it was made. Replace it with
a real `ploy record` capture when one is available. Run:

    python3 engine/recordings/generate_sample.py > engine/recordings/sample.jsonl
"""
import json
import random

MARKET = "0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af"
TOKENS = [
    "65818619657568813474341868652308942079804919287380422192892211131408793125422",
    "52114319501245915516055106046884209969926127482827954674443846427813813222426",
]
T0 = 1764000000000
rng = random.Random(20261124)


def cents(x):
    return f"{x / 100:.2f}"


def emit(t, msg):
    print(json.dumps({"recv_ms": t, "msg": msg}, separators=(",", ":")))


books = {}
t = T0
for i, token in enumerate(TOKENS):
    mid = 50 if i == 0 else 50
    bids = {mid - 1: 40, mid - 2: 60, mid - 3: 80}
    asks = {mid + 1: 40, mid + 2: 60, mid + 3: 80}
    books[token] = (bids, asks)
    emit(t, {
        "event_type": "book", "asset_id": token, "market": MARKET,
        "bids": [{"price": cents(p), "size": str(s)} for p, s in sorted(bids.items())],
        "asks": [{"price": cents(p), "size": str(s)} for p, s in sorted(asks.items(), reverse=True)],
        "timestamp": str(t), "hash": f"0x{rng.getrandbits(160):040x}",
    })

for n in range(400):
    t += rng.randint(300, 2500)
    token = TOKENS[rng.randrange(2)]
    bids, asks = books[token]
    best_bid, best_ask = max(bids), min(asks)
    roll = rng.random()
    if roll < 0.15 and best_ask - best_bid > 1:
        # someone improves the bid or the ask by one tick
        if rng.random() < 0.5:
            p, side, book = best_bid + 1, "BUY", bids
        else:
            p, side, book = best_ask - 1, "SELL", asks
        book[p] = rng.choice([20, 50, 80])
        size = book[p]
    elif roll < 0.40:
        # a trade at the touch
        if rng.random() < 0.5:
            p, side, book, taker = best_ask, "SELL", asks, "BUY"
        else:
            p, side, book, taker = best_bid, "BUY", bids, "SELL"
        qty = min(book[p], rng.choice([10, 25, 40, 60, 80]))
        emit(t, {"asset_id": token, "event_type": "last_trade_price", "fee_rate_bps": "0", "market": MARKET,
                 "price": cents(p), "side": taker, "size": f"{qty}", "timestamp": str(t)})
        book[p] -= qty
        if book[p] == 0:
            del book[p]
            if not book:  # refill a level so the book never empties
                book[p + (1 if side == "SELL" else -1)] = 60
        size = book.get(p, 0)
        t += 1
    else:
        # resting size changes at one of the top three levels
        if rng.random() < 0.5:
            side, book = "BUY", bids
            p = sorted(bids, reverse=True)[min(rng.randrange(3), len(bids) - 1)]
        else:
            side, book = "SELL", asks
            p = sorted(asks)[min(rng.randrange(3), len(asks) - 1)]
        book[p] = max(0, book[p] + rng.choice([-40, -20, 20, 40, 60]))
        size = book[p]
        if size == 0 and len(book) > 1:
            del book[p]
        elif size == 0:
            book[p] = size = 10
    bids, asks = books[token]
    emit(t, {
        "market": MARKET,
        "price_changes": [{
            "asset_id": token, "price": cents(p), "size": str(size), "side": side,
            "hash": f"{rng.getrandbits(160):040x}",
            "best_bid": cents(max(bids)), "best_ask": cents(min(asks)),
        }],
        "timestamp": str(t), "event_type": "price_change",
    })
