"""Routing model: training time, memory and accuracy by training-set size, and prediction rate.

Each size trains in its own process on generated tickets (the same generator as the demo),
exactly as ``routing/route_model_candidate`` does: both estimators on the older 80 %, scored on
the newest 20 %, the winner refit on all, then stored in a local lake with skops. The default cap
``TICKET_ROUTING_MAX_TRAINING_ROWS`` (20,000) is one of the full-profile sizes, so the report says
what a training at the cap costs, and 50,000 what raising it would. Prediction is timed separately on fresh tickets.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, datetime

from bench.common import log, peak_rss_mb, run_child
from bench.profiles import Profile

END = date(2025, 8, 31)


def train_once(count: int, predict_count: int, seed: int) -> dict:
    from ticket_platform.ingest.landing import LocalLanding
    from ticket_platform.routing.artifacts import ModelStore
    from ticket_platform.routing.dataset import label_tickets, reference_examples
    from ticket_platform.routing.model import predict, score_model, train
    from ticket_platform.routing.training import model_card
    from ticket_platform_demo.synthetic import generate_tickets

    days = max(1, min(30, count // 300))
    start = date.fromordinal(END.toordinal() - days + 1)
    tickets = list(generate_tickets(count, seed, start, END))
    for t in tickets:
        t["submitted_at"] = datetime.fromisoformat(t["submitted_at"])
    examples = label_tickets(tickets, {})

    started = time.perf_counter()
    result = train(examples, holdout_share=0.2)
    train_seconds = time.perf_counter() - started
    reference = list(reference_examples())
    reference_scores = score_model(result.model, reference)

    with tempfile.TemporaryDirectory() as lake:
        store = ModelStore(LocalLanding(lake))
        card = model_card(result, examples, [], reference, reference_scores, "bench", None)
        started = time.perf_counter()
        saved = store.save(result.model, card)
        save_seconds = time.perf_counter() - started
        artifact_mb = len(LocalLanding(lake).read(store.key(saved.version, "model.skops"))) / 1e6
        started = time.perf_counter()
        ModelStore(LocalLanding(lake)).load(saved.version)
        load_seconds = time.perf_counter() - started

    fresh = list(generate_tickets(predict_count, seed + 1, END, END))
    texts = [f"{t['subject']}\n{t['description']}" for t in fresh]
    started = time.perf_counter()
    predict(result.model, texts)
    predict_seconds = time.perf_counter() - started
    return {
        "tickets": count,
        "estimator": result.estimator,
        "train_seconds": round(train_seconds, 2),
        "save_seconds": round(save_seconds, 2),
        "load_seconds": round(load_seconds, 2),
        "artifact_mb": round(artifact_mb, 1),
        "peak_rss_mb": round(peak_rss_mb(), 0),
        "holdout_accuracy": round(result.scores.accuracy, 4),
        "holdout_macro_f1": round(result.scores.macro_f1, 4),
        "naive_bayes_holdout_accuracy": round(result.holdout_scores["naive_bayes"].accuracy, 4),
        "reference_accuracy": round(reference_scores.accuracy, 4),
        "predicted": predict_count,
        "predict_per_s": round(predict_count / predict_seconds, 0),
    }


def run(profile: Profile) -> dict:
    sizes = []
    for count in profile.routing_sizes:
        log(f"routing: training on {count:,} generated tickets in a child process")
        args = ("--tickets", str(count), "--predict", str(profile.routing_predict))
        sizes.append(run_child("bench.suites.routing", *args, "--seed", str(profile.seed)))
    return {"sizes": sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--predict", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()
    print(json.dumps(train_once(args.tickets, args.predict, args.seed)))


if __name__ == "__main__":
    main()
