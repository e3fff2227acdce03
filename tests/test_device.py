"""choose_device: cuda, then mps, then cpu; overridable; clear errors for what is not here."""

import pytest
import torch

from course.device import choose_device, describe_device


def test_automatic_choice_matches_what_this_machine_has(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else (
        "mps" if torch.backends.mps.is_available() else "cpu")
    assert choose_device().type == expected


def test_argument_and_env_override(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert choose_device() == torch.device("cpu")
    monkeypatch.setenv("COURSE_DEVICE", "no-such-device")
    assert choose_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="not a device name"):
        choose_device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_a_missing_gpu_says_so():
    with pytest.raises(ValueError, match="no usable CUDA GPU"):
        choose_device("cuda")


def test_description_names_the_device():
    assert describe_device("cpu").startswith("cpu (")
