"""LeNet-5 on Fashion-MNIST: d2l's training loop against course.training, on the same data, model,
batch size, epochs and device, in one process, alternating. Prints its figures.

    .venv/bin/python benchmarks/lenet_speed.py [--device cpu|cuda] [--epochs 10] [--rounds 2]

(a) d2l.train_ch6 fed by d2l-style loaders: torchvision's Dataset with ToTensor, 4 workers,
    batch 256, lr 0.9 (d2l's published set-up);
(b) course.training.train: the whole split on the device, batches by index, no per-step syncs;
(c) course.training's step alone on one resident batch, eager and with torch.compile: a bound
    that (b), which adds shuffled batches and a test pass per epoch, cannot pass.
All three run d2l's sigmoid LeNet-5 with Xavier initialisation. Wall-clock time includes building the
data pipeline and evaluating the test set after each epoch, for (a) and (b). Then, separately, the modern
variant (ReLU, max pooling, BatchNorm, Adam with a one-cycle schedule): its time to 0.90 test
accuracy and its final accuracy.

Goals: (b)/(a) ≥ 5× on a 2-core CPU and ≥ 20× on a GPU; modern variant ≥ 0.91, ≤ 60 s to 0.90 on
a 2-core CPU. d2l's published figures: 0.78–0.81 test accuracy, 89–103k examples/s on a GPU
(timed by d2l without data loading).
"""

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # d2l's Animator draws a figure per epoch; keep it off screen here

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.data import fashion_mnist_batches, load_dataset  # noqa: E402
from course.device import choose_device, describe_device  # noqa: E402
from course.models import lenet5, lenet5_modern, xavier_init  # noqa: E402
from course.training import (MODERN_RECIPE, amp_dtype, seed_everything, train, train_modern,  # noqa: E402
                             training_step, wants_channels_last)

TRAIN_SIZE = 60_000


def run_d2l(device, epochs, batch_size, lr, workers):
    """d2l's own loop and loaders; returns (wall seconds, test accuracy, d2l's printed summary)."""
    import d2l.torch as d2l
    from torch.utils.data import DataLoader
    from torchvision import transforms

    start = time.perf_counter()
    to_tensor = transforms.ToTensor()
    train_iter = DataLoader(load_dataset(True, to_tensor), batch_size, shuffle=True, num_workers=workers)
    test_iter = DataLoader(load_dataset(False, to_tensor), batch_size, shuffle=False, num_workers=workers)
    net = lenet5()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):       # its Animator prints a figure repr per epoch
        d2l.train_ch6(net, train_iter, test_iter, epochs, lr, device)
    wall = time.perf_counter() - start
    accuracy = d2l.evaluate_accuracy_gpu(net, test_iter, device)
    summary = [line for line in printed.getvalue().splitlines() if "acc" in line or "examples/sec" in line]
    return wall, accuracy, " | ".join(summary[-2:])


def run_course(device, epochs, batch_size, lr, compile):
    start = time.perf_counter()
    train_batches = fashion_mnist_batches(batch_size, device, train=True, seed=0)
    test_batches = fashion_mnist_batches(1024, device, train=False)
    net = xavier_init(lenet5())
    history = train(net, train_batches, test_batches, epochs=epochs, lr=lr, compile=compile, progress=False)
    return time.perf_counter() - start, history.test_accuracy[-1]


def step_rate(device, batch_size, lr, compile, steps=200):
    """Examples/s of course.training's step alone (forward, backward, SGD update) on one batch that
    stays on the device: no data pipeline, no evaluation, no progress bar. A bound on (b)."""
    net = xavier_init(lenet5()).to(device)
    layout = torch.channels_last if wants_channels_last(net, device) else torch.contiguous_format
    net.to(memory_format=layout)
    x, y = next(iter(fashion_mnist_batches(batch_size, device, train=True, seed=0)))
    x = x.contiguous(memory_format=layout)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    model = torch.compile(net) if compile else net
    dtype = amp_dtype(device)

    def run(n):
        for _ in range(n):
            training_step(model, x, y, optimizer, dtype=dtype)
        if device.type == "cuda":
            torch.cuda.synchronize()

    run(20)                                          # warm-up (and compilation)
    start = time.perf_counter()
    run(steps)
    return steps * batch_size / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default=None, help="cpu, cuda, mps (default: the best available)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of (a) then (b)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.9)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--compile", action="store_true", help="torch.compile the model in (b)")
    parser.add_argument("--skip-modern", action="store_true")
    parser.add_argument("--skip-step", action="store_true", help="skip (c), the step-alone bound")
    args = parser.parse_args()
    device = choose_device(args.device)
    examples = args.epochs * TRAIN_SIZE
    print(f"device: {describe_device(device)}; torch {torch.__version__}; {args.epochs} epochs, batch "
          f"{args.batch_size}, lr {args.lr}; {args.rounds} alternating round(s)", flush=True)
    rates = {"d2l": [], "course": []}
    for round_ in range(1, args.rounds + 1):
        seed_everything(round_)
        wall, accuracy, summary = run_d2l(device, args.epochs, args.batch_size, args.lr, args.workers)
        rates["d2l"].append(examples / wall)
        print(f"round {round_} (a) d2l.train_ch6:    {wall:7.1f} s  {examples / wall:9,.0f} examples/s wall  "
              f"test acc {accuracy:.3f}   [d2l printed: {summary}]", flush=True)
        seed_everything(round_)
        wall, accuracy = run_course(device, args.epochs, args.batch_size, args.lr, args.compile)
        rates["course"].append(examples / wall)
        print(f"round {round_} (b) course.training:  {wall:7.1f} s  {examples / wall:9,.0f} examples/s wall  "
              f"test acc {accuracy:.3f}", flush=True)
    d2l_rate, course_rate = statistics.median(rates["d2l"]), statistics.median(rates["course"])
    goal = 20 if device.type == "cuda" else 5
    print(f"median examples/s: d2l {d2l_rate:,.0f}, course {course_rate:,.0f}; ratio {course_rate / d2l_rate:.1f}× "
          f"(goal ≥ {goal}× on this device)")

    if not args.skip_step:
        bounds = []
        for compile in (False, True):
            try:
                bounds.append((compile, step_rate(device, args.batch_size, args.lr, compile)))
            except Exception as error:              # torch.compile needs a C++ compiler on a CPU
                print(f"(c) step alone{' with torch.compile' if compile else ''}: unavailable "
                      f"({type(error).__name__}: {error})")
        for compile, rate in bounds:
            print(f"(c) course.training's step alone{' with torch.compile' if compile else ''} (one resident batch, "
                  f"no data, no evaluation): {rate:9,.0f} examples/s = {rate / d2l_rate:.1f}× d2l, "
                  f"the bound on (b)'s ratio with this step")

    if not args.skip_modern:
        seed_everything(0)
        start = time.perf_counter()
        train_batches = fashion_mnist_batches(MODERN_RECIPE["batch_size"], device, train=True, seed=0)
        test_batches = fashion_mnist_batches(1024, device, train=False)
        history = train_modern(xavier_init(lenet5_modern("relu", batch_norm=True)), train_batches, test_batches,
                               target_accuracy=0.90, progress=False)
        to_target = history.seconds_to_target
        print(f"modern variant (ReLU, max pool, BatchNorm, Adam one-cycle, batch {MODERN_RECIPE['batch_size']}, "
              f"{MODERN_RECIPE['epochs']} epochs): final test acc {history.test_accuracy[-1]:.3f}; "
              f"0.90 reached after {'never' if to_target is None else f'{to_target:.1f} s'}; "
              f"total {time.perf_counter() - start:.1f} s (goal: ≥ 0.91, ≤ 60 s to 0.90 on a 2-core CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
