"""Fair grading of ``lenet5_for`` (issue: fair grading and a gentle ramp), through the real grader.

Honest answers written in forms the exercise text allows — an ``nn.Sequential`` of the twelve
layers, however it is built — get every point; an answer that breaks one stated rule loses that
rule's points and no others. The text (source/03_lenet, section 10) states four rules; the grade
cells of each rule are listed in :data:`RULES`. The lesson's training is not graded:
``COURSE_EPOCHS=1`` keeps it short, as in tests/test_lenet_grading.py.
"""

import time

import pytest

from grading import SUBMISSIONS, fixture_answers, grade_all, student_notebook

ASSIGNMENT, NOTEBOOK = "03_lenet", "lenet.ipynb"
RULES = {
    "layers": {"test_lenet5_for_structure_visible", "test_lenet5_for_structure_hidden"},
    "arguments": {"test_lenet5_for_arguments_visible", "test_lenet5_for_arguments_hidden"},
    "flattened size": {"test_lenet5_for_flatten_visible", "test_lenet5_for_flatten_hidden"},
    "too small": {"test_lenet5_for_too_small_visible", "test_lenet5_for_too_small_hidden"},
}

# Honest answers, each in another form (all return an nn.Sequential of the twelve layers, as stated).
HONEST = {
    "ordered_dict_names": '''
from collections import OrderedDict

def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    def side(n):
        return ((n // 2) - 4) // 2
    if side(height) < 1 or side(width) < 1:
        raise ValueError("input too small: LeNet-5 needs 12x12 or more")
    return nn.Sequential(OrderedDict([
        ("c1", nn.Conv2d(in_channels, 6, 5, padding=2)), ("a1", nn.Sigmoid()), ("s2", nn.AvgPool2d(2, 2)),
        ("c3", nn.Conv2d(6, 16, 5)), ("a3", nn.Sigmoid()), ("s4", nn.AvgPool2d(2, 2)),
        ("flat", nn.Flatten()), ("f5", nn.Linear(16 * side(height) * side(width), 120)), ("a5", nn.Sigmoid()),
        ("f6", nn.Linear(120, 84)), ("a6", nn.Sigmoid()), ("out", nn.Linear(84, num_classes))]))
''',
    "dummy_forward_pass": '''
def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    if min(height, width) < 12:
        raise ValueError(f"{height}x{width} is too small")
    features = [nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2),
                nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(2)]
    with torch.no_grad():
        flat = nn.Sequential(*features)(torch.zeros(1, in_channels, height, width)).numel()
    return nn.Sequential(*features, nn.Flatten(), nn.Linear(flat, 120), nn.Sigmoid(),
                         nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, num_classes))
''',
    "tuples_same_valid": '''
def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    import math
    sides = []
    for n in (height, width):
        n = math.floor((n + 2 * 2 - 5) / 1) + 1
        n = math.floor((n - 2) / 2) + 1
        n = math.floor((n - 5) / 1) + 1
        sides.append(math.floor((n - 2) / 2) + 1 if n >= 2 else 0)
    if sides[0] <= 0 or sides[1] <= 0:
        raise ValueError("the image is too small")
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, kernel_size=(5, 5), padding="same"), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=(2, 2), stride=(2, 2)),
        nn.Conv2d(6, 16, kernel_size=(5, 5), padding="valid", stride=(1, 1)), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=(2, 2), stride=(2, 2), padding=0),
        nn.Flatten(start_dim=1, end_dim=-1),
        nn.Linear(in_features=16 * sides[0] * sides[1], out_features=120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, num_classes))
''',
    "loop_of_stages": '''
def _after(n, kernel, stride=1, padding=0):
    return (n + 2 * padding - kernel) // stride + 1

def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    layers, h, w, channels = [], height, width, in_channels
    for out, pad in ((6, 2), (16, 0)):
        layers += [nn.Conv2d(channels, out, 5, padding=pad), nn.Sigmoid(), nn.AvgPool2d(2, stride=2)]
        h, w = _after(_after(h, 5, padding=pad), 2, 2), _after(_after(w, 5, padding=pad), 2, 2)
        channels = out
    if h < 1 or w < 1:
        raise ValueError("input is too small (needs at least 12 x 12)")
    layers.append(nn.Flatten())
    for n_in, n_out in ((channels * h * w, 120), (120, 84)):
        layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    layers.append(nn.Linear(84, num_classes))
    return nn.Sequential(*layers)
''',
    "sequential_subclass": '''
class LeNet5For(nn.Sequential):
    def __init__(self, in_channels, height, width, num_classes):
        flat = 16 * ((height // 2 - 4) // 2) * ((width // 2 - 4) // 2)
        super().__init__(
            nn.Conv2d(in_channels, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
            nn.Linear(flat, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, num_classes))

def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    if height < 12 or width < 12:
        raise ValueError("LeNet-5: image too small")
    return LeNet5For(in_channels, height, width, num_classes)
''',
    "append_and_add_module": '''
def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    h1, w1 = height // 2, width // 2
    h2, w2 = (h1 - 4) // 2, (w1 - 4) // 2
    if not (h2 >= 1 and w2 >= 1):
        raise ValueError(f"too small: {height}x{width}")
    model = nn.Sequential()
    model.add_module("conv1", nn.Conv2d(in_channels, 6, 5, 1, 2))
    model.add_module("sig1", nn.Sigmoid())
    model.add_module("pool1", nn.AvgPool2d(2, 2))
    model.append(nn.Conv2d(6, 16, 5, 1, 0))
    model.append(nn.Sigmoid())
    model.append(nn.AvgPool2d(2, 2))
    model.append(nn.Flatten())
    model.extend([nn.Linear(16 * h2 * w2, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid()])
    model.append(nn.Linear(84, num_classes))
    return model
''',
    "features_then_classifier": '''
def features(in_channels):
    return [nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2)]

def classifier(flat, num_classes):
    return [nn.Flatten(), nn.Linear(flat, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(),
            nn.Linear(84, num_classes)]

def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    try:
        x = torch.zeros(1, in_channels, height, width)
        for layer in features(in_channels):
            x = layer(x)
    except RuntimeError:
        raise ValueError(f"a {height} by {width} image is too small for LeNet-5") from None
    if x.numel() == 0:
        raise ValueError("too small")
    return nn.Sequential(*features(in_channels), *classifier(x.shape[1] * x.shape[2] * x.shape[3], num_classes))
''',
    "keyword_arguments_and_assert_free": '''
def lenet5_for(in_channels=1, height=28, width=28, num_classes=10):
    smallest = 12
    if height < smallest or width < smallest:
        raise ValueError(f"images smaller than {smallest}x{smallest} are too small, got {height}x{width}")
    size = lambda n: (((n + 4 - 5 + 1) - 2) // 2 + 1 - 5 + 1 - 2) // 2 + 1
    return nn.Sequential(
        nn.Conv2d(in_channels=in_channels, out_channels=6, kernel_size=5, stride=1, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2, padding=0, ceil_mode=False),
        nn.Conv2d(in_channels=6, out_channels=16, kernel_size=5, stride=1, padding=0),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2, padding=0, ceil_mode=False),
        nn.Flatten(1),
        nn.Linear(in_features=16 * size(height) * size(width), out_features=120, bias=True),
        nn.Sigmoid(),
        nn.Linear(in_features=120, out_features=84),
        nn.Sigmoid(),
        nn.Linear(in_features=84, out_features=num_classes),
    )
''',
}

# One answer per stated rule that breaks that rule only (fixtures in submissions/lenet).
DEVIATIONS = {"relu_not_sigmoid": "layers", "ignores_num_classes": "arguments",
              "pooling_rounds_up": "flattened size", "wrong_message": "too small"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    submissions = {name: student_notebook(ASSIGNMENT, NOTEBOOK, {"lenet5_for_answer": code.strip()})
                   for name, code in HONEST.items()}
    for name in DEVIATIONS:
        submissions[name] = student_notebook(ASSIGNMENT, NOTEBOOK, fixture_answers(
            ASSIGNMENT, NOTEBOOK, SUBMISSIONS / "lenet" / f"{name}.py"))
    start = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_EPOCHS", "1")
        results = grade_all(tmp_path_factory.mktemp("course"), ASSIGNMENT, NOTEBOOK, submissions)
    print(f"graded {len(submissions)} submissions in {time.perf_counter() - start:.0f} s")
    return results


def test_at_least_eight_honest_forms():
    assert len(HONEST) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_form_gets_full_marks(graded, name):
    assert set(graded[name]) == set().union(*RULES.values())
    lost = {gid: score for gid, score in graded[name].items() if score[0] < score[1]}
    assert lost == {}, f"{name} lost points: {lost}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEVIATIONS))
def test_single_rule_deviation_loses_exactly_that_rule(graded, name):
    rule = RULES[DEVIATIONS[name]]
    failed = {gid for gid, (score, maximum) in graded[name].items() if score < maximum}
    assert failed == rule, f"{name} breaks the rule {DEVIATIONS[name]!r}: failed {sorted(failed)}"
    full = sum(maximum for _, maximum in graded[name].values())
    lost_points = sum(maximum for gid, (_, maximum) in graded[name].items() if gid in rule)
    assert sum(score for score, _ in graded[name].values()) == full - lost_points


def test_every_rule_has_a_deviation():
    assert set(DEVIATIONS.values()) == set(RULES)
