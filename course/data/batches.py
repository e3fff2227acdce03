"""Mini-batches drawn by index from a whole data split that already lives on the device.

A Fashion-MNIST split is small (60,000 × 28 × 28 bytes is 47 MB), so it is moved to the device
once, as uint8, and every batch is a single indexing operation there: no per-sample PIL transform,
no worker processes, no host-to-device copy per step. Pixels are converted to floats in [0, 1] (the
same values as torchvision's ``ToTensor``) and optionally normalised, on the device.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch


class DeviceBatches:
    """Iterate over ``(x, y)`` mini-batches of a split held on one device.

    Args:
        images: uint8 tensor of shape (N, H, W), already on the target device.
        labels: int64 tensor of shape (N,), on the same device.
        batch_size: samples per batch (the last one may be smaller unless ``drop_last``).
        shuffle: visit the samples in a new random order every epoch.
        drop_last: drop the final batch when it has fewer than ``batch_size`` samples.
        seed: seed of the generator that draws the orders; the same seed gives the same
            sequence of epochs.
        mean, std: when given, batches are ``(x - mean) / std`` after scaling to [0, 1].
        dtype: floating dtype of the image batches.

    Each epoch (each ``iter()``) visits every sample exactly once (or all but the dropped tail)
    and yields ``x`` of shape (B, 1, H, W) with ``dtype`` and ``y`` of shape (B,) int64.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, batch_size: int, *,
                 shuffle: bool = True, drop_last: bool = False, seed: int = 0,
                 mean: float | None = None, std: float | None = None,
                 dtype: torch.dtype = torch.float32):
        if images.dtype != torch.uint8 or images.dim() != 3:
            raise ValueError(f"images must be a uint8 tensor of shape (N, H, W); got "
                             f"{images.dtype} of shape {tuple(images.shape)}")
        if labels.shape != images.shape[:1]:
            raise ValueError(f"labels must have shape ({images.shape[0]},); got {tuple(labels.shape)}")
        if labels.device != images.device:
            raise ValueError(f"images are on {images.device} but labels on {labels.device}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
        if (mean is None) != (std is None):
            raise ValueError("give both mean and std, or neither")
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.mean, self.std, self.dtype = mean, std, dtype
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def device(self) -> torch.device:
        return self.images.device

    def __len__(self) -> int:
        n = self.images.shape[0]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def order(self) -> torch.Tensor:
        """The visiting order of the next epoch: a permutation of 0..N-1 on the device."""
        n = self.images.shape[0]
        if self.shuffle:
            return torch.randperm(n, generator=self.generator).to(self.device, non_blocking=True)
        return torch.arange(n, device=self.device)

    def to_float(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 (B, H, W) → ``dtype`` (B, 1, H, W) in [0, 1], normalised if mean/std were given."""
        x = images.unsqueeze(1).to(self.dtype).div_(255)
        if self.mean is not None:
            x = x.sub_(self.mean).div_(self.std)
        return x

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = self.order()
        stop = len(self) * self.batch_size if self.drop_last else order.numel()
        for start in range(0, stop, self.batch_size):
            index = order[start:start + self.batch_size]
            yield self.to_float(self.images[index]), self.labels[index]
