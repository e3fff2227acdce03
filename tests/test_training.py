"""course.training on real Fashion-MNIST, on the CPU through the same code path a GPU takes."""

import pytest
import torch

from course.data import DeviceBatches, load_tensors
from course.models import lenet5, lenet5_modern, xavier_init
from course.training import (amp_dtype, evaluate, load_weights, save_weights, seed_everything, train, train_modern,
                             training_step, wants_channels_last)


@pytest.fixture(scope="module")
def small_split():
    images, labels = load_tensors(train=True)
    test_images, test_labels = load_tensors(train=False)
    return (images[:6000], labels[:6000]), (test_images[:2000], test_labels[:2000])


def _batches(split, batch_size, seed=0, shuffle=True):
    return DeviceBatches(*split, batch_size, seed=seed, shuffle=shuffle)


def _run(small_split, seed=0, epochs=2, **kwargs):
    seed_everything(seed)
    model = xavier_init(lenet5_modern("relu", batch_norm=False))
    history = train(model, _batches(small_split[0], 64, seed), _batches(small_split[1], 500, shuffle=False),
                    epochs=epochs, lr=0.1, progress=False, **kwargs)
    return model, history


def test_training_lowers_the_loss_and_beats_chance(small_split):
    model, history = _run(small_split, epochs=3)
    assert len(history.records) == 3
    assert history.train_loss[-1] < history.train_loss[0] < 2.5
    assert history.test_accuracy[-1] > 0.6, "three epochs on 6000 real images must beat chance (0.1) by far"
    assert all(r.examples_per_second > 0 and r.seconds > 0 for r in history.records)
    assert history.records[-1].seconds >= history.records[0].seconds


def test_same_seed_same_run_on_the_cpu(small_split):
    model_a, history_a = _run(small_split, seed=3)
    model_b, history_b = _run(small_split, seed=3)
    assert history_a.train_loss == history_b.train_loss and history_a.test_accuracy == history_b.test_accuracy
    assert all(torch.equal(p, q) for p, q in zip(model_a.parameters(), model_b.parameters()))
    _, history_c = _run(small_split, seed=4)
    assert history_c.train_loss != history_a.train_loss


def test_save_and_load_round_trip(small_split, tmp_path):
    model, _ = _run(small_split, epochs=1)
    path = save_weights(model, tmp_path / "weights" / "lenet.pt")
    fresh = load_weights(xavier_init(lenet5_modern("relu", batch_norm=False)), path)
    test = _batches(small_split[1], 500, shuffle=False)
    assert all(torch.equal(p, q) for p, q in zip(model.state_dict().values(), fresh.state_dict().values()))
    assert evaluate(fresh, test) == evaluate(model, test)


def test_load_refuses_pickled_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"weight": torch.zeros(1), "payload": object()}, path)
    with pytest.raises(Exception, match="[Ww]eights only"):
        load_weights(lenet5(), path)


def test_target_accuracy_and_modern_recipe(small_split):
    seed_everything(0)
    model = xavier_init(lenet5_modern("relu", batch_norm=True))
    history = train_modern(model, _batches(small_split[0], 128), _batches(small_split[1], 500, shuffle=False),
                           epochs=2, target_accuracy=0.5, progress=False)
    assert history.seconds_to_target is not None and history.seconds_to_target <= history.records[-1].seconds
    unreachable = train(model, _batches(small_split[0], 128), None, epochs=1, lr=0.01, progress=False,
                        target_accuracy=0.99)
    assert unreachable.seconds_to_target is None and unreachable.test_accuracy == [None]


def test_amp_choice():
    assert amp_dtype(torch.device("cpu"), False) is None
    assert amp_dtype(torch.device("cpu"), True) == torch.bfloat16
    if torch.cuda.is_available():
        assert amp_dtype(torch.device("cuda")) in (torch.bfloat16, torch.float16)


def test_progress_bar_and_callback_run(small_split):
    seen = []
    train(xavier_init(lenet5()), _batches(small_split[0], 1000), _batches(small_split[1], 1000, shuffle=False),
          epochs=2, progress=True, on_epoch_end=lambda h: seen.append(len(h.records)))
    assert seen == [1, 2]


def test_training_step_updates_every_parameter_and_matches_the_loss(small_split):
    seed_everything(0)
    model = xavier_init(lenet5())
    x, y = next(iter(_batches(small_split[0], 32)))
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    loss, logits = training_step(model, x, y, optimizer)
    assert logits.shape == (32, 10) and loss.dim() == 0
    assert torch.allclose(loss, torch.nn.functional.cross_entropy(logits, y))
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters())), "SGD must move every parameter"
    later, _ = training_step(model, x, y, optimizer)
    assert later < loss, "a second step on the same batch lowers its loss"


def test_channels_last_rule():
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    plain, with_bn = lenet5(), lenet5_modern("relu", batch_norm=True)
    assert wants_channels_last(plain, cpu) and wants_channels_last(plain, cuda)
    assert not wants_channels_last(with_bn, cpu) and wants_channels_last(with_bn, cuda)
    assert wants_channels_last(with_bn, cpu, True) and not wants_channels_last(plain, cuda, False)
