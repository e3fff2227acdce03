"""The real Fashion-MNIST loads through torchvision with the expected shapes and class balance."""

import torch

from course.data import CLASSES, load_dataset, load_tensors


def test_train_and_test_splits_have_the_published_shapes_and_balance():
    for train, n, per_class in ((True, 60000, 6000), (False, 10000, 1000)):
        images, labels = load_tensors(train=train)
        assert images.shape == (n, 28, 28) and images.dtype == torch.uint8
        assert labels.shape == (n,) and labels.dtype == torch.int64
        assert torch.equal(torch.bincount(labels, minlength=10), torch.full((10,), per_class))


def test_dataset_gives_pil_images_and_int_labels_with_names():
    dataset = load_dataset(train=True)
    image, label = dataset[0]
    assert image.size == (28, 28) and isinstance(label, int)
    assert CLASSES[label] == "ankle boot"  # the first training image of Fashion-MNIST
    assert len(CLASSES) == 10
