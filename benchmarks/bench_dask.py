"""The cohort engine on Dask at registry scale, against the in-memory engine.

Run: ``.venv/bin/python benchmarks/bench_dask.py [--rows 2000000 10000000]``
(not part of the test suite; asserts nothing but the outcome table's equality
where both engines ran). The machine is shared and noisy: compare ratios.

For each size:

1. **generate**: ``lupusscore.example.synthetic_tables`` in chunks of
   participants (each chunk a different seed, its ids prefixed ``Cnnn-``), so
   generation holds one chunk at a time; each chunk is one Parquet file per
   table (labs, participants, visits, events). A participant's rows are all
   in one chunk: the files are partitioned by participant.
2. **Dask**: a ``distributed.LocalCluster`` (``--workers`` processes, one
   thread each, ``--memory-limit`` each) runs ``lupusscore.dask.analyse`` on
   ``dd.read_parquet`` of the files with ``partitioned=True`` (no shuffle;
   ``--shuffle`` adds a run with the shuffle), writing ADSL/ADLB/ADRS/ADTTE to
   Parquet and returning the outcome table (``DaskAnalysis.to_parquet``: one
   pass). Peak memory per worker: each worker process's resident set size
   (RSS), sampled every 0.2 s, and the peak of the task results each worker
   holds (Dask's managed memory).
3. **in memory** (sizes up to ``--in-memory-rows``): a fresh process reads the
   same files with pandas, runs ``Cohort.from_frames`` -> ``analyse``, builds
   the four tables as pandas and the outcome table; its peak RSS
   (``getrusage``) and wall time. The two outcome tables must be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from lupusscore.example import SYNTHETIC_ARMS, synthetic_schedule, synthetic_tables

#: Lab rows per participant in the synthetic design (about 37.7).
_ROWS_PER_PARTICIPANT = 37.7
_TABLES = ("labs", "participants", "visits", "events")
_NAME = "SYNTHETIC registry"


def _frame(columns: dict[str, Any], prefix: str) -> Any:
    """A chunk's table as pandas: ids prefixed, tri-state flags as booleans."""
    import pandas as pd  # noqa: PLC0415

    out = pd.DataFrame(columns)
    out["USUBJID"] = prefix + out["USUBJID"].astype(str)
    for name in out.columns:
        col = out[name]
        if col.dtype == object and all(
            isinstance(x, bool) or x is None for x in col.head(1000).tolist()
        ):
            out[name] = col.astype("boolean")
    return out


def generate(root: Path, rows: int, chunk: int) -> tuple[int, int]:
    """Write about *rows* lab rows as Parquet; return (participants, lab rows)."""
    participants = max(1, round(rows / _ROWS_PER_PARTICIPANT))
    done = labs = 0
    for name in _TABLES:
        (root / name).mkdir(parents=True, exist_ok=True)
    i = 0
    while done < participants:
        n = min(chunk, participants - done)
        tables = synthetic_tables(n, seed=1000 + i)
        for name in _TABLES:
            frame = _frame(tables[name], f"C{i:03d}-")
            frame.to_parquet(root / name / f"part-{i:04d}.parquet", index=False)
            if name == "labs":
                labs += len(frame)
        done += n
        i += 1
    return participants, labs


class _Sampler:
    """Peak RSS and peak Dask-managed memory of each worker, sampled in a thread.

    Managed memory: the bytes of task results the worker holds
    (``WorkerState.nbytes``); the rest of the RSS is the engine's working
    memory, the libraries and what the allocator keeps.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self.peak: dict[str, int] = {}
        self.managed: dict[str, int] = {}
        #: per worker, at its peak RSS: results held and tasks running, by kind
        self.at_peak: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil  # noqa: PLC0415 - a distributed dependency

        def rss(dask_worker: Any) -> tuple[int, int, Any, Any]:
            from collections import Counter  # noqa: PLC0415

            from dask.utils import key_split  # noqa: PLC0415

            state = dask_worker.state
            held = Counter(
                key_split(t.key) for t in state.tasks.values() if t.state == "memory"
            )
            running = Counter(key_split(t.key) for t in state.executing)
            return (
                int(psutil.Process().memory_info().rss),
                int(state.nbytes),
                dict(held),
                dict(running),
            )

        while not self._stop.is_set():
            try:
                got = self.client.run(rss)
            except Exception:  # a worker restarting: sample again
                got = {}
            for worker, (value, managed, held, running) in got.items():
                if value > self.peak.get(worker, 0):
                    self.at_peak[worker] = (held, running)
                self.peak[worker] = max(self.peak.get(worker, 0), value)
                self.managed[worker] = max(self.managed.get(worker, 0), managed)
            self._stop.wait(0.2)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_dask(
    root: Path, out: Path, workers: int, memory_limit: str, *, shuffle: bool
) -> dict[str, Any]:
    """Analyse the Parquet files on a LocalCluster; wall time and worker peaks."""
    import dask.dataframe as dd  # noqa: PLC0415
    import distributed  # noqa: PLC0415

    from lupusscore import dask as ldask  # noqa: PLC0415

    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=":0",  # a free port: others may hold 8787
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: __import__("lupusscore.dask"))  # warm imports
        frames = {t: dd.read_parquet(root / t) for t in _TABLES}
        start = time.perf_counter()
        with _Sampler(client) as sampler:
            analysis = ldask.analyse(
                frames["labs"],
                frames["participants"],
                visits=frames["visits"],
                events=frames["events"],
                partitioned=not shuffle,
                schedule=synthetic_schedule(),
                arms=SYNTHETIC_ARMS,
                name=_NAME,
                synthetic=True,
            )
            table = analysis.to_parquet(out)
        wall = time.perf_counter() - start
        return {
            "wall": wall,
            "partitions": analysis.npartitions,
            "peaks": sorted(sampler.peak.values()),
            "managed": sorted(sampler.managed.values()),
            "at_peak": [
                (sampler.peak[w], *sampler.at_peak[w]) for w in sorted(sampler.peak)
            ],
            "table": table.model_dump_json(),
        }


def _in_memory_child(root: str) -> None:
    """Run the in-memory engine on the files (in a fresh process); print JSON."""
    import pandas as pd  # noqa: PLC0415

    from lupusscore.cohort import Cohort, analyse  # noqa: PLC0415

    start = time.perf_counter()
    frames = {t: pd.read_parquet(Path(root) / t) for t in _TABLES}
    cohort = Cohort.from_frames(
        frames["labs"],
        frames["participants"],
        visits=frames["visits"],
        events=frames["events"],
        schedule=synthetic_schedule(),
        arms=SYNTHETIC_ARMS,
        name=_NAME,
        synthetic=True,
    )
    del frames
    analysis = analyse(cohort)
    sizes = {
        t: len(getattr(analysis, t).to_pandas())
        for t in ("adsl", "adlb", "adrs", "adtte")
    }
    table = analysis.outcome_table()
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "wall": wall,
                "peak": peak,
                "sizes": sizes,
                "table": table.model_dump_json(),
            }
        )
    )


def run_in_memory(root: Path) -> dict[str, Any]:
    """The in-memory engine in a fresh process (its own peak RSS)."""
    got = subprocess.run(
        [sys.executable, __file__, "--in-memory-child", str(root)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(got.stdout.strip().splitlines()[-1]))


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2_000_000, 10_000_000])
    parser.add_argument(
        "--chunk", type=int, default=20_000, help="participants per file"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GiB", help="per worker")
    parser.add_argument("--in-memory-rows", type=int, default=2_000_000)
    parser.add_argument(
        "--shuffle", action="store_true", help="also run with the shuffle"
    )
    parser.add_argument(
        "--dir", default=None, help="work directory (default: a temp one)"
    )
    parser.add_argument("--in-memory-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_memory_child:
        _in_memory_child(args.in_memory_child)
        return
    import dask  # noqa: PLC0415

    import lupusscore  # noqa: PLC0415

    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, dask "
        f"{dask.__version__}, lupusscore {lupusscore.__version__}; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start"
    )
    base = Path(args.dir or tempfile.mkdtemp(prefix="bench_dask_"))
    print(
        f"{'lab rows':>12} {'participants':>12} {'engine':<22} {'seconds':>8} "
        f"{'rows/s':>10} {'peak MiB':>18}"
    )
    for rows in args.rows:
        root = base / f"in-{rows}"
        shutil.rmtree(root, ignore_errors=True)
        t0 = time.perf_counter()
        participants, labs = generate(root, rows, args.chunk)
        gen = time.perf_counter() - t0
        print(f"{labs:>12,} {participants:>12,} {'generate + Parquet':<22} {gen:>8.1f}")
        runs = [("dask, partitioned", False)] + (
            [("dask, shuffled", True)] if args.shuffle else []
        )
        tables = []
        for label, shuffle in runs:
            out = base / f"out-{rows}-{int(shuffle)}"
            shutil.rmtree(out, ignore_errors=True)
            got = run_dask(root, out, args.workers, args.memory_limit, shuffle=shuffle)
            peaks = "/".join(_mib(p) for p in got["peaks"]) + " per worker"
            what = f"{label} x{got['partitions']}"
            speed = labs / got["wall"]
            print(
                f"{labs:>12,} {participants:>12,} {what:<22} "
                f"{got['wall']:>8.1f} {speed:>10,.0f} {peaks:>18}  "
                f"(load {os.getloadavg()[0]:.1f})"
            )
            managed = "/".join(_mib(p) for p in got["managed"])
            print(f"{'':>12} peak Dask-managed memory per worker: {managed} MiB")
            for peak, held, running in got["at_peak"]:
                print(
                    f"{'':>12} at {_mib(peak)} MiB: results held {held}, "
                    f"running {running}"
                )
            tables.append(got["table"])
            shutil.rmtree(out, ignore_errors=True)
        if labs <= args.in_memory_rows:
            got = run_in_memory(root)
            speed = labs / got["wall"]
            print(
                f"{labs:>12,} {participants:>12,} {'in memory (1 process)':<22} "
                f"{got['wall']:>8.1f} {speed:>10,.0f} {_mib(got['peak']):>18}"
            )
            same = all(t == got["table"] for t in tables)
            print(f"{'':>12} outcome tables equal (Dask vs in memory): {same}")
        shutil.rmtree(root, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
