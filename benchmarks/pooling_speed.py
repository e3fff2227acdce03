"""How fast is the instructor's hand-written pooling compared with torch's? Prints the ratios.

    .venv/bin/python benchmarks/pooling_speed.py [--device cpu|cuda] [--repeats 50]

Goal (issue: pooling exercise): the forward pass on a (64, 6, 28, 28) float32 batch stays within
10× of torch's time on a CPU. The solution is read from the source notebook, so this measures
exactly the code the students' notebooks are graded against.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder.authoring.notebook_code import instructor_namespace  # noqa: E402
from course.device import choose_device, describe_device  # noqa: E402

CELLS = ["pooling_helpers", "pool_windows_answer", "max_pool2d_answer", "avg_pool2d_answer"]


def best_ms(fn, repeats, device):
    fn()                                   # warm-up
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1e3)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default=None)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    device = choose_device(args.device)
    solution = instructor_namespace("01_pooling", "pooling.ipynb", CELLS)
    x = torch.randn(64, 6, 28, 28, device=device)
    settings = [
        ("max_pool2d k=2", lambda f: f["max"](x, 2)),
        ("max_pool2d k=3 s=1 p=1", lambda f: f["max"](x, 3, 1, 1)),
        ("max_pool2d k=2 indices", lambda f: f["max"](x, 2, return_indices=True)),
        ("avg_pool2d k=2", lambda f: f["avg"](x, 2)),
        ("avg_pool2d k=3 s=2 p=1 ceil", lambda f: f["avg"](x, 3, 2, 1, True)),
    ]
    mine = {"max": solution["max_pool2d"], "avg": solution["avg_pool2d"]}
    torchs = {"max": F.max_pool2d, "avg": F.avg_pool2d}
    print(f"forward pass on a (64, 6, 28, 28) float32 batch, {describe_device(device)}, best of {args.repeats}")
    print(f"{'setting':30s} {'hand-written ms':>16s} {'torch ms':>10s} {'ratio':>7s}")
    worst = 0.0
    for name, run in settings:
        ours, _ = best_ms(lambda: run(mine), args.repeats, device)
        theirs, _ = best_ms(lambda: run(torchs), args.repeats, device)
        worst = max(worst, ours / theirs)
        print(f"{name:30s} {ours:16.2f} {theirs:10.2f} {ours / theirs:6.1f}×")
    print(f"worst ratio {worst:.1f}× (goal: within 10×) -> {'met' if worst <= 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
