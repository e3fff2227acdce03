"""DeviceBatches: every sample once per epoch, seeded, and the same pixels as torchvision's Dataset."""

import pytest
import torch
from torchvision.transforms import ToTensor

from course.data import DeviceBatches, load_dataset, load_tensors


def _indexed_split(n=1000, size=4):
    """A split whose label is each sample's own index, so batches reveal the order they visit."""
    images = torch.randint(0, 256, (n, size, size), dtype=torch.uint8, generator=torch.Generator().manual_seed(1))
    return images, torch.arange(n)


def _epoch_labels(batches):
    return torch.cat([y for _, y in batches])


@pytest.mark.parametrize("n,batch_size", [(1000, 256), (1000, 1000), (1000, 7), (5, 8)])
def test_every_sample_exactly_once_per_epoch(n, batch_size):
    images, labels = _indexed_split(n)
    batches = DeviceBatches(images, labels, batch_size, seed=3)
    for _ in range(3):
        seen = _epoch_labels(batches)
        assert torch.equal(seen.sort().values, torch.arange(n))
    assert len(batches) == -(-n // batch_size)


def test_drop_last_drops_only_the_partial_tail():
    images, labels = _indexed_split(1000)
    batches = DeviceBatches(images, labels, 256, drop_last=True)
    sizes = [y.numel() for _, y in batches]
    assert sizes == [256, 256, 256] and len(batches) == 3
    assert _epoch_labels(batches).unique().numel() == 768
    kept = DeviceBatches(images, labels, 256, drop_last=False)
    assert [y.numel() for _, y in kept] == [256, 256, 256, 232]


def test_same_seed_same_epochs_and_epochs_differ():
    images, labels = _indexed_split()
    a = DeviceBatches(images, labels, 100, seed=7)
    b = DeviceBatches(images, labels, 100, seed=7)
    first_a, second_a = _epoch_labels(a), _epoch_labels(a)
    assert torch.equal(first_a, _epoch_labels(b)) and torch.equal(second_a, _epoch_labels(b))
    assert not torch.equal(first_a, second_a), "two epochs must be shuffled differently"
    assert not torch.equal(first_a, _epoch_labels(DeviceBatches(images, labels, 100, seed=8)))
    assert not torch.equal(first_a, torch.arange(1000))


def test_without_shuffle_order_is_natural():
    images, labels = _indexed_split(10)
    assert torch.equal(_epoch_labels(DeviceBatches(images, labels, 3, shuffle=False)), torch.arange(10))


def test_images_are_scaled_and_normalised_on_their_device():
    images = torch.tensor([[[0, 255], [51, 102]]], dtype=torch.uint8)
    x, _ = next(iter(DeviceBatches(images, torch.tensor([4]), 1)))
    assert x.shape == (1, 1, 2, 2) and x.dtype == torch.float32
    assert torch.allclose(x, torch.tensor([[[[0.0, 1.0], [0.2, 0.4]]]]))
    x, _ = next(iter(DeviceBatches(images, torch.tensor([4]), 1, mean=0.5, std=0.25)))
    assert torch.allclose(x, torch.tensor([[[[-2.0, 2.0], [-1.2, -0.4]]]]))


@pytest.mark.parametrize("kwargs,match", [
    (dict(images=torch.zeros(4, 2, 2), labels=torch.zeros(4, dtype=torch.long), batch_size=2), "uint8"),
    (dict(images=torch.zeros(4, 2, 2, dtype=torch.uint8), labels=torch.zeros(3, dtype=torch.long), batch_size=2), "labels"),
    (dict(images=torch.zeros(4, 2, 2, dtype=torch.uint8), labels=torch.zeros(4, dtype=torch.long), batch_size=0), "batch_size"),
])
def test_bad_arguments_say_what_is_wrong(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DeviceBatches(**kwargs)


def test_same_pixels_and_labels_as_torchvision_dataset():
    dataset = load_dataset(train=False, transform=ToTensor())
    images, labels = load_tensors(train=False)
    batches = DeviceBatches(images, labels, 512, seed=0)
    twin = torch.Generator().manual_seed(0)
    order = torch.randperm(len(dataset), generator=twin)
    x, y = next(iter(batches))
    for row in (0, 1, 255, 511):
        pixels, label = dataset[int(order[row])]
        assert torch.equal(x[row], pixels), f"pixels differ at row {row}"
        assert int(y[row]) == label
