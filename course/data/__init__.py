"""Fashion-MNIST for the course: found offline, verified once, loaded two ways.

- :func:`load_dataset` gives torchvision's ``FashionMNIST`` Dataset (for the lessons, and for a
  comparison with the classic ``DataLoader`` pipeline);
- :func:`load_tensors` gives a whole split as uint8 tensors on a device, and :class:`DeviceBatches`
  draws shuffled mini-batches from them there.

Where the files come from is explained in :mod:`course.data.fashion_mnist`.
"""

from __future__ import annotations

import torch

from course.data.batches import DeviceBatches
from course.data.fashion_mnist import (
    DEBIAN_DIR,
    ENV_VAR,
    RAW_FILES,
    FashionMNISTError,
    Source,
    locate,
    prepare,
    raw_folder,
)

CLASSES = ("t-shirt", "trouser", "pullover", "dress", "coat",
           "sandal", "shirt", "sneaker", "bag", "ankle boot")
"""The ten class names, indexed by label (0 … 9)."""


def load_dataset(train: bool = True, transform=None, *, root=None, download: bool = True):
    """torchvision's ``FashionMNIST`` Dataset over the verified files.

    ``transform`` is applied per sample, e.g. ``torchvision.transforms.ToTensor()`` which gives
    float32 (1, 28, 28) in [0, 1]; without it each sample is a PIL image. Labels are ints 0 … 9.
    """
    from torchvision.datasets import FashionMNIST

    return FashionMNIST(prepare(root, download=download), train=train, transform=transform,
                        download=False)


def load_tensors(train: bool = True, device: torch.device | str = "cpu", *, root=None,
                 download: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """A whole split as ``(images, labels)`` on ``device``.

    Returns:
        images: uint8 (60000, 28, 28) for train, (10000, 28, 28) for test.
        labels: int64 (60000,) or (10000,), values 0 … 9.
    """
    dataset = load_dataset(train, root=root, download=download)
    return dataset.data.to(device), dataset.targets.to(device)


def fashion_mnist_batches(batch_size: int, device: torch.device | str = "cpu", *,
                          train: bool = True, shuffle: bool | None = None, seed: int = 0,
                          drop_last: bool = False, mean: float | None = None,
                          std: float | None = None, root=None) -> DeviceBatches:
    """:class:`DeviceBatches` over one split on ``device``; shuffled by default for training."""
    images, labels = load_tensors(train, device, root=root)
    return DeviceBatches(images, labels, batch_size, shuffle=train if shuffle is None else shuffle,
                         drop_last=drop_last, seed=seed, mean=mean, std=std)


__all__ = [
    "CLASSES", "DEBIAN_DIR", "ENV_VAR", "RAW_FILES", "DeviceBatches", "FashionMNISTError",
    "Source", "fashion_mnist_batches", "load_dataset", "load_tensors", "locate", "prepare",
    "raw_folder",
]
