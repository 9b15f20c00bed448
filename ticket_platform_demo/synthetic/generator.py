"""The synthetic ticket generator: deterministic, fast, contract-shaped records.

``generate_tickets(count, seed, start, end)`` yields JSON-ready dicts that validate as
``ProcessedTicket`` (schema version 2, ``record_source="synthetic"``, ``target_sentiment`` = the
sentiment the text was written to express). Same arguments, same bytes.

Ticket ids are ``TKT-YYYYMMDD-XXXXXXXX``: the date of ``submitted_at`` and eight Crockford base-32
characters encoding a bijective 40-bit scramble of ``id_offset + index`` keyed by the seed. Because
the scramble is a permutation of ``[0, 2**40)``, distinct indexes never share a suffix within one
seed; runs with different seeds use different permutations, so collisions between them are
possible only by chance (about ``count / 2**40`` per pair of runs).

Tickets come out in ``submitted_at`` order. Times are drawn from a business-hours / weekday shape
over the inclusive day range, as sorted order statistics generated on the fly (O(1) memory).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from .catalog import PRODUCTS
from .customers import CUSTOMER_UNIVERSE, _customer
from .description import DESCRIPTION_NAMED_RATE, compose_description
from .ids import _MASK, _MUL1, _MUL2, _PAIRS, _SHIFT1, _SHIFT2, MAX_INDEX, _seed_key, _splitmix64
from .labels import assign_priority, sentiment_scores
from .reply import compose_response, resource_note
from .slots import (
    APPS,
    DEGRADED,
    ENVS,
    NO_IMPACT,
    OUTAGE,
    REGIONS,
    Compiled,
    SkeletonSlots,
    Slots,
    compile_skeleton,
)
from .subject import compose_subject

SCHEMA_VERSION = 2
RECORD_SOURCE = "synthetic"

# Target sentiment mix (roughly the seed system's 40/27/19/14).
SENTIMENT_MIX: tuple[tuple[str, float], ...] = (
    ("NEGATIVE", 0.36),
    ("MIXED", 0.25),
    ("NEUTRAL", 0.23),
    ("POSITIVE", 0.16),
)
# Per target sentiment: (severity, probability) of the business impact the text describes.
SEVERITY_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "NEGATIVE": ((OUTAGE, 0.75), (DEGRADED, 0.25)),
    "MIXED": ((DEGRADED, 0.85), (NO_IMPACT, 0.15)),
    "NEUTRAL": ((DEGRADED, 0.78), (NO_IMPACT, 0.14), (OUTAGE, 0.08)),
    "POSITIVE": ((NO_IMPACT, 1.0),),
}
DEFAULT_INFORMAL_RESPONSE_RATE = 0.12

# Skeleton pools (see slots.py): per (issue type, sentiment, severity) the generator keeps up to
# SKELETON_POOL_MAX skeletons. A draw builds a new skeleton while the pool holds fewer than
# SKELETON_POOL_MIN, and otherwise with probability DEFAULT_FRESH_SKELETON_RATE (replacing a random
# member once the pool is full); else it reuses a random member. Every ticket still gets its own
# leaf values (resource ids, regions, numbers, times, product mention, customer, ticket id).
SKELETON_POOL_MIN = 4
SKELETON_POOL_MAX = 64
DEFAULT_FRESH_SKELETON_RATE = 0.08
# Support replies are templated by design and vary less: they are rebuilt at a quarter of the rate.
REPLY_FRESH_SHARE = 0.25

# Relative ticket volume per UTC hour (global customers, weighted to EU and US business hours)
# and per weekday (Monday = 0).
HOUR_WEIGHTS: tuple[float, ...] = (
    0.55, 0.45, 0.35, 0.30, 0.30, 0.35, 0.50, 0.75, 0.95, 1.05, 1.10, 1.10,
    1.15, 1.30, 1.45, 1.50, 1.45, 1.35, 1.25, 1.15, 1.00, 0.90, 0.75, 0.65,
)  # fmt: skip
WEEKDAY_WEIGHTS: tuple[float, ...] = (1.05, 1.05, 1.0, 1.0, 0.9, 0.4, 0.35)

# ------------------------------------------------------------------------------------------
# Time
# ------------------------------------------------------------------------------------------
_US_PER_HOUR = 3_600_000_000
_MINUTE_SECOND = tuple(
    f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)
)  # "MM:SS" by second of hour
_US_PER_DAY = 24 * _US_PER_HOUR


# ------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------
_INF = float("inf")


def _cumulative(weights: Iterator[float] | tuple[float, ...]) -> tuple[tuple[float, ...], float]:
    """Cumulative weights ending in +inf (so bisect never runs off the end), and the total."""
    cum = tuple(accumulate(weights))
    return (*cum[:-1], _INF), cum[-1]


_PRODUCT_CUM, _PRODUCT_TOTAL = _cumulative(tuple(p.weight for p in PRODUCTS))
_SENTIMENTS = tuple(s for s, _ in SENTIMENT_MIX)
_SENTIMENT_CUM, _SENTIMENT_TOTAL = _cumulative(tuple(w for _, w in SENTIMENT_MIX))
_SEVERITY = {
    k: (tuple(s for s, _ in v), *_cumulative(tuple(w for _, w in v)))
    for k, v in SEVERITY_MIX.items()
}


def generate_tickets(
    count: int,
    seed: int,
    start: date,
    end: date,
    *,
    id_offset: int = 0,
    informal_response_rate: float = DEFAULT_INFORMAL_RESPONSE_RATE,
    fresh_skeleton_rate: float = DEFAULT_FRESH_SKELETON_RATE,
) -> Iterator[dict[str, Any]]:
    """Yield ``count`` synthetic processed tickets submitted between ``start`` and ``end`` (inclusive).

    Records are plain dicts in contract column order with ISO-8601 ``Z`` timestamps, ordered by
    ``submitted_at``. ``id_offset`` shifts the ticket index space: runs with the same seed and
    disjoint ``[id_offset, id_offset + count)`` ranges never share an id, and their content differs
    too (the random stream is keyed by seed and offset). ``informal_response_rate`` is the share of
    support replies written with contractions or exclamation marks. ``fresh_skeleton_rate`` trades
    speed for text variety (1.0 composes every text from scratch, several times slower).
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if id_offset < 0 or id_offset + count - 1 > MAX_INDEX:
        raise ValueError("id_offset + count must stay within [0, 2**40)")
    if not 0.0 <= informal_response_rate <= 1.0:
        raise ValueError("informal_response_rate must be within [0, 1]")
    if not 0.0 <= fresh_skeleton_rate <= 1.0:
        raise ValueError("fresh_skeleton_rate must be within [0, 1]")
    return _generate(
        count, seed, start, end, id_offset, informal_response_rate, fresh_skeleton_rate
    )


def _generate(
    count: int,
    seed: int,
    start: date,
    end: date,
    id_offset: int,
    informal_rate: float,
    fresh_rate: float,
) -> Iterator[dict[str, Any]]:
    rng = random.Random(f"ticket-platform/synthetic/v1:{seed}:{id_offset}")
    r = rng.random
    key_id = _seed_key(seed)
    salt = _splitmix64(key_id ^ 0x5EED)

    n_days = (end - start).days + 1
    # Per-hour timestamp prefixes ("2025-08-08T20:") and id dates, with spare days after `end`
    # for the processed_at of tickets submitted late on the last day.
    day_dates = [start + timedelta(days=i) for i in range(n_days + 2)]
    hour_prefix = [f"{d.isoformat()}T{h:02d}:" for d in day_dates for h in range(24)]
    compact = [d.strftime("%Y%m%d") for d in day_dates]
    hour_cum = list(
        accumulate(
            WEEKDAY_WEIGHTS[day_dates[h // 24].weekday()] * HOUR_WEIGHTS[h % 24]
            for h in range(n_days * 24)
        )
    )
    hour_total = hour_cum[-1]
    last_hour = len(hour_cum) - 1
    max_us = len(hour_prefix) * _US_PER_HOUR - 1

    products, product_cum, product_total = PRODUCTS, _PRODUCT_CUM, _PRODUCT_TOTAL
    sentiments, sentiment_cum, sentiment_total = _SENTIMENTS, _SENTIMENT_CUM, _SENTIMENT_TOTAL
    severity_table = _SEVERITY
    named_rate = DESCRIPTION_NAMED_RATE
    pool_min, pool_max = SKELETON_POOL_MIN, SKELETON_POOL_MAX
    reply_fresh_rate = fresh_rate * REPLY_FRESH_SHARE
    pairs = _PAIRS
    us_per_hour = _US_PER_HOUR
    customers: dict[int, tuple[str, str, str, str, str, str]] = {}
    regions, apps, envs = REGIONS, APPS, ENVS
    n_regions, n_apps, n_envs = len(REGIONS), len(APPS), len(ENVS)
    # (issue, sentiment, severity) -> [(subject, description, signal, mentions_resource, mentions_region)]
    text_pools: dict[
        tuple[str, str, str], list[tuple[Compiled, Compiled, str | None, bool, bool]]
    ] = {}
    reply_pools: dict[tuple[str, str, str, bool], list[Compiled]] = {}
    minute_second = _MINUTE_SECOND

    x = 0.0  # the current sorted uniform in [0, 1)
    bucket = 0
    for i in range(count):
        # -- when: the next order statistic of `count` uniforms, mapped through the hour weights.
        x += (1.0 - x) * (1.0 - (1.0 - r()) ** (1.0 / (count - i)))
        target = x * hour_total
        while bucket < last_hour and hour_cum[bucket] <= target:
            bucket += 1
        low = hour_cum[bucket - 1] if bucket else 0.0
        within = int((target - low) / (hour_cum[bucket] - low) * us_per_hour)
        if within >= us_per_hour:
            within = us_per_hour - 1
        submitted_us = bucket * us_per_hour + within
        # Step Functions-like processing latency: mostly 3-15 s, a tail of slow retries.
        u = r()
        if u < 0.94:
            processed_us = submitted_us + int((3.0 + 12.0 * r() * r()) * 1e6)
        elif u < 0.99:
            processed_us = submitted_us + int((15.0 + 105.0 * r()) * 1e6)
        else:
            processed_us = submitted_us + int((120.0 + 1080.0 * r()) * 1e6)
        if processed_us > max_us:
            processed_us = max_us

        # -- what
        product = products[bisect_right(product_cum, r() * product_total)]
        issue = product.issues[int(r() * len(product.issues))]
        sentiment = sentiments[bisect_right(sentiment_cum, r() * sentiment_total)]
        names, cum, total = severity_table[sentiment]
        severity = names[bisect_right(cum, r() * total)]

        # -- subject and description skeletons, pooled per (issue, sentiment, severity)
        key = (issue.name, sentiment, severity)
        pool = text_pools.get(key)
        if pool is None:
            pool = text_pools[key] = []
        size = len(pool)
        if size < pool_min or r() < fresh_rate:
            skeleton_slots = SkeletonSlots(rng, product, issue)
            description_t, signal = compose_description(rng, skeleton_slots, sentiment, severity)
            subject_t = compose_subject(rng, skeleton_slots, product, issue, sentiment, severity)
            texts = (
                compile_skeleton(subject_t), compile_skeleton(description_t), signal,
                "{res}" in description_t, "{region}" in description_t or "{region}" in subject_t,
            )  # fmt: skip
            if size < pool_max:
                pool.append(texts)
            else:
                pool[int(r() * size)] = texts
        else:
            texts = pool[int(r() * size)]
        subject_t, description_t, signal, mentions_resource, mentions_region = texts

        # -- processed fields
        priority, reasoning = assign_priority(rng, sentiment, severity, signal)
        informal = r() < informal_rate
        reply_key = (issue.name, sentiment, priority, informal)
        replies = reply_pools.get(reply_key)
        if replies is None:
            replies = reply_pools[reply_key] = []
        size = len(replies)
        if size < pool_min or r() < reply_fresh_rate:
            response_t = compile_skeleton(
                compose_response(rng, product, issue, sentiment, priority, informal=informal)
            )
            if size < pool_max:
                replies.append(response_t)
            else:
                replies[int(r() * size)] = response_t
        else:
            response_t = replies[int(r() * size)]
        label, s_mixed, s_negative, s_neutral, s_positive = sentiment_scores(rng, sentiment)

        # -- who
        number = int(CUSTOMER_UNIVERSE * r() ** 1.6)
        customer = customers.get(number)
        if customer is None:
            customer = customers[number] = _customer(number, salt)
        first, last, full, email, company, domain = customer

        # -- id, leaf values, final text
        v = (id_offset + i + key_id) & _MASK
        v = (v * _MUL1) & _MASK
        v ^= v >> _SHIFT1
        v = (v * _MUL2) & _MASK
        v ^= v >> _SHIFT2
        ticket_id = (
            f"TKT-{compact[submitted_us // _US_PER_DAY]}-"
            f"{pairs[v >> 30]}{pairs[(v >> 20) & 1023]}{pairs[(v >> 10) & 1023]}{pairs[v & 1023]}"
        )
        thing_pool = product.named if r() < named_rate else product.nouns
        slots = Slots({
            "thing": thing_pool[int(r() * len(thing_pool))], "first": first, "full": full,
            "company": company, "domain": domain, "ticket_id": ticket_id,
            "region": regions[int(r() * n_regions)], "app": apps[int(r() * n_apps)], "env": envs[int(r() * n_envs)],
        })  # fmt: skip
        slots.rng = rng
        slots.product = product
        if mentions_resource and r() < 0.7:
            slots["res_note"] = resource_note(
                slots["res"], slots["region"] if mentions_region else None
            )
        else:
            slots["res_note"] = ""

        second, micro = divmod(submitted_us, 1_000_000)
        hour, second = divmod(second, 3600)
        submitted_at = f"{hour_prefix[hour]}{minute_second[second]}.{micro:06d}Z"
        second, micro = divmod(processed_us, 1_000_000)
        hour, second = divmod(second, 3600)
        processed_at = f"{hour_prefix[hour]}{minute_second[second]}.{micro:06d}Z"
        # Render the three skeletons (inline `slots.render`: even parts literal, odd parts leaf names).
        subject_parts = list(subject_t)
        for j in range(1, len(subject_parts), 2):
            subject_parts[j] = slots[subject_parts[j]]
        description_parts = list(description_t)
        for j in range(1, len(description_parts), 2):
            description_parts[j] = slots[description_parts[j]]
        response_parts = list(response_t)
        for j in range(1, len(response_parts), 2):
            response_parts[j] = slots[response_parts[j]]
        yield {
            "ticket_id": ticket_id,
            "submitted_at": submitted_at,
            "customer_first_name": first,
            "customer_last_name": last,
            "customer_full_name": full,
            "customer_email": email,
            "company": company,
            "product": product.name,
            "issue_type": issue.name,
            "subject": "".join(subject_parts),
            "description": "".join(description_parts),
            "response_text": "".join(response_parts),
            "sentiment": label,
            "sentiment_score_mixed": s_mixed,
            "sentiment_score_negative": s_negative,
            "sentiment_score_neutral": s_neutral,
            "sentiment_score_positive": s_positive,
            "priority": priority,
            "priority_reasoning": reasoning,
            "processed_at": processed_at,
            "schema_version": SCHEMA_VERSION,
            "record_source": RECORD_SOURCE,
            "target_sentiment": sentiment,
        }
