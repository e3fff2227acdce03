"""Choose the device that a notebook computes on: CUDA, then Apple's MPS, then the CPU.

Every notebook calls :func:`choose_device` once and prints :func:`describe_device` so that a
student always knows where the work runs. Set ``COURSE_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``,
``mps``) or pass ``prefer=`` to override the automatic choice.
"""

import os

import torch


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def choose_device(prefer: str | torch.device | None = None) -> torch.device:
    """Return the device to use.

    Args:
        prefer: a device name such as ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or ``"mps"``. When
            omitted, the ``COURSE_DEVICE`` environment variable is read; when that is unset too,
            the first available of cuda, mps and cpu is chosen.

    Raises:
        ValueError: the preferred device is not a device name, or is not available here.
    """
    if prefer is None:
        prefer = os.environ.get("COURSE_DEVICE") or None
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")

    try:
        device = torch.device(prefer)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"{prefer!r} is not a device name; use 'cpu', 'cuda', 'cuda:N' or 'mps' "
            "(or unset COURSE_DEVICE to choose automatically)."
        ) from exc
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device {prefer!r} was asked for, but this machine has no usable CUDA GPU; "
                "use 'cpu' or unset COURSE_DEVICE to choose automatically."
            )
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(
                f"device {prefer!r} was asked for, but only {torch.cuda.device_count()} CUDA "
                "device(s) are visible."
            )
    elif device.type == "mps" and not _mps_available():
        raise ValueError(
            f"device {prefer!r} was asked for, but MPS is not available here; "
            "use 'cpu' or unset COURSE_DEVICE to choose automatically."
        )
    elif device.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"device {prefer!r} is not supported by the course; use cpu, cuda or mps.")
    return device


def describe_device(device: torch.device | str) -> str:
    """A one-line human description, e.g. ``'cuda:0 (NVIDIA H100 80GB HBM3)'`` or ``'cpu (2 threads)'``."""
    device = torch.device(device)
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({torch.get_num_threads()} threads)"
