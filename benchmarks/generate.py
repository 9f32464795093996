"""A seeded synthetic event log: 2,000 subjects, 200 parties, joins, suspensions,
resumptions, withdrawals and appointments, dated 1900-2025.

Every log it writes is valid (it walks the transition rules forward), mixes day, month and
year precision, and is the same for the same seed and size.

    python -m benchmarks.generate --events 1000000 --out big.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

__all__ = ["generate_records", "write_jsonl", "write_parquet"]

SOURCE = [{"title": "Synthetic benchmark workload", "ref": "benchmarks/generate.py"}]
START, END = date(1900, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
NEXT = {
    None: ("joined", "joined", "granted"),
    "member": ("suspended", "withdrew", "withdrew"),
    "suspended": ("resumed", "resumed", "withdrew"),
    "observer": ("joined", "withdrew"),
}
AFTER = {"joined": "member", "granted": "observer", "suspended": "suspended", "resumed": "member", "withdrew": None}


def _parties(n: int) -> list[str]:
    import pycountry

    codes = sorted(c.alpha_3 for c in pycountry.countries)
    return codes[:n]


def _edtf(rng: random.Random, day: int, prev_lo: int) -> tuple[str, int]:
    """A date around ``day``: day precision mostly, month or year sometimes; (text, earliest day)."""
    d = date.fromordinal(day)
    r = rng.random()
    if r >= 0.8:
        if r < 0.95:
            lo = date(d.year, d.month, 1).toordinal()
            text = f"{d.year:04d}-{d.month:02d}"
        else:
            lo = date(d.year, 1, 1).toordinal()
            text = f"{d.year:04d}"
        if lo > prev_lo:
            return text, lo
    return d.isoformat(), day


def generate_records(n_events: int, seed: int = 7, subjects: int = 2000, parties: int = 200) -> Iterator[dict]:
    """``n_events`` records (fewer only if the date range runs out), subjects spread evenly."""
    rng = random.Random(seed)
    codes = _parties(parties)
    base, extra = divmod(n_events, subjects)
    for s in range(subjects):
        budget = base + (1 if s < extra else 0)
        if budget == 0:
            continue
        sid = f"S{s:04d}"
        founded = rng.randrange(START, START + 365 * 60)
        yield {
            "id": f"{sid.lower()}-founded",
            "date": date.fromordinal(founded).isoformat(),
            "subject": sid,
            "kind": "founded",
            "name": f"Synthetic organization {s}",
            "subject_kind": "organization",
            "sources": SOURCE,
        }
        state = {p: (None, founded) for p in codes}  # party -> (standing, earliest day of its last event)
        live = list(codes)
        office_day = founded
        # Gaps between a party's events shrink for large budgets so that the date range holds them.
        gap = max(60, min(2000, (END - founded) * len(codes) // max(budget, 1)))
        n = 1
        while n < budget and live:
            if rng.random() < 0.04 and office_day < END - 4000:
                office_day += rng.randrange(300, 3000)
                yield {
                    "id": f"{sid.lower()}-sg-{n}",
                    "date": date.fromordinal(office_day).isoformat(),
                    "subject": sid,
                    "kind": "appointed",
                    "office": "secretary-general",
                    "holder": f"Holder {rng.randrange(100000)}",
                    "nationality": rng.choice(codes),
                    "sources": SOURCE,
                }
                n += 1
                continue
            i = rng.randrange(len(live))
            party = live[i]
            standing, prev = state[party]
            day = prev + rng.randrange(30, gap)
            if day > END:
                live[i] = live[-1]
                live.pop()
                continue
            kind = rng.choice(NEXT[standing])
            text, lo = _edtf(rng, day, prev)
            rec = {
                "id": f"{sid.lower()}-{party.lower()}-{n}",
                "date": text,
                "subject": sid,
                "kind": kind,
                "party": party,
                "sources": SOURCE,
            }
            if kind == "granted":
                rec["status"] = "observer"
            yield rec
            state[party] = (AFTER[kind], max(lo, day))
            n += 1


def write_jsonl(path: Path, n_events: int, seed: int = 7) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for rec in generate_records(n_events, seed):
            f.write(json.dumps(rec) + "\n")
            count += 1
    return count


def write_parquet(path: Path, n_events: int, seed: int = 7, batch: int = 1_000_000) -> int:
    """The same records straight into Parquet, the interchange fields as text (the columns
    ``timeline export --to parquet`` writes), a batch at a time: a 100M-event log as JSON lines
    would be ~20 GB on disk before it is converted."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from timeline_engine.events.codec import FIELD_ORDER

    schema = pa.schema([(c, pa.string()) for c in FIELD_ORDER])
    sources = json.dumps(SOURCE, separators=(",", ":"))
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        columns: dict[str, list] = {c: [] for c in FIELD_ORDER}

        def flush() -> None:
            arrays = [pa.array(columns[c], type=pa.string()) for c in FIELD_ORDER]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            for c in FIELD_ORDER:
                columns[c] = []

        for rec in generate_records(n_events, seed):
            rec["sources"] = sources
            for c in FIELD_ORDER:
                columns[c].append(rec.get(c))
            count += 1
            if count % batch == 0:
                flush()
        if columns["id"]:
            flush()
    return count


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    n = write_jsonl(args.out, args.events, args.seed)
    print(f"wrote {n} events to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
