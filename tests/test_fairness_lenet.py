"""Fair grading of ``lenet5_for`` and of the loss by hand (issues: fair grading and a gentle ramp;
softmax and cross-entropy), through the real grader.

Honest answers written in forms the exercise texts allow — an ``nn.Sequential`` of the twelve
layers, however it is built; a log-softmax, loss and gradient from any allowed operations — get
every point; an answer that breaks one stated rule loses that rule's points and no others. The
texts (source/03_lenet, sections 11 and 12) state four rules each; the grade cells of each rule are
listed in :data:`RULES`. Each submission carries one form of each exercise (an honest form of both,
or one deviation of each), so both exercises are checked with no extra notebook to grade. The
lesson's training is not graded: ``COURSE_EPOCHS=1`` keeps it short, as in tests/test_lenet_grading.py.
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
    "log-probabilities": {"test_log_softmax_values_visible", "test_log_softmax_values_hidden"},
    "no overflow": {"test_log_softmax_stable_visible", "test_log_softmax_stable_hidden"},
    "loss": {"test_cross_entropy_visible", "test_cross_entropy_hidden"},
    "gradient": {"test_cross_entropy_backward_visible", "test_cross_entropy_backward_hidden"},
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

# Honest answers of the loss exercise, each in another form (log-sum-exp with the largest logit
# moved out, then any allowed way to pick the right class and build the one-hot rows).
HONEST_LOSS = {
    "max_values_and_gather": '''
def log_softmax(logits):
    m = logits.max(dim=1, keepdim=True).values
    return logits - m - torch.log(torch.sum(torch.exp(logits - m), dim=1, keepdim=True))

def cross_entropy(logits, target):
    return -log_softmax(logits).gather(1, target.unsqueeze(1)).mean()

def cross_entropy_backward(logits, target):
    n, c = logits.shape
    return (torch.exp(log_softmax(logits)) - F.one_hot(target, c).to(logits.dtype)) / n
''',
    "row_by_row_loops": '''
def _row_log_softmax(row):
    top = row.max()
    return row - top - (row - top).exp().sum().log()

def log_softmax(logits):
    return torch.stack([_row_log_softmax(row) for row in logits])

def cross_entropy(logits, target):
    log_p = log_softmax(logits)
    total = 0.0
    for i in range(len(target)):
        total = total - log_p[i, target[i]]
    return total / len(target)

def cross_entropy_backward(logits, target):
    grad = log_softmax(logits).exp()
    for i in range(len(target)):
        grad[i, target[i]] -= 1
    return grad / len(target)
''',
    "max_added_back": '''
def logsumexp_rows(z):
    m = z.amax(dim=1, keepdim=True)
    return m + torch.log(torch.exp(z - m).sum(dim=1, keepdim=True))

def log_softmax(logits):
    return logits - logsumexp_rows(logits)

def cross_entropy(logits, target):
    picked = logits[torch.arange(len(target)), target]
    return (logsumexp_rows(logits).squeeze(1) - picked).mean()

def cross_entropy_backward(logits, target):
    p = torch.exp(logits - logsumexp_rows(logits))
    p[torch.arange(len(target)), target] -= 1
    return p / len(target)
''',
    "one_hot_mask_and_where": '''
def log_softmax(logits):
    shifted = logits - logits.amax(1, keepdim=True)
    return shifted - torch.log(shifted.exp().sum(1)).unsqueeze(1)

def cross_entropy(logits, target):
    mask = F.one_hot(target, logits.shape[1]).bool()
    return -(log_softmax(logits) * mask).sum() / logits.shape[0]

def cross_entropy_backward(logits, target):
    probabilities = log_softmax(logits).exp()
    right = torch.arange(logits.shape[1]) == target[:, None]
    return torch.where(right, probabilities - 1, probabilities) / logits.shape[0]
''',
    "eye_rows_and_scatter": '''
def log_softmax(logits):
    biggest = logits.max(1, keepdim=True)[0]
    return (logits - biggest) - (logits - biggest).exp().sum(-1, keepdim=True).log()

def cross_entropy(logits, target):
    one_hot = torch.eye(logits.shape[1], dtype=logits.dtype)[target]
    return -(one_hot * log_softmax(logits)).sum(dim=1).mean()

def cross_entropy_backward(logits, target):
    one_hot = torch.zeros_like(logits).scatter_(1, target.view(-1, 1), 1.0)
    return (log_softmax(logits).exp() - one_hot) / logits.size(0)
''',
    "own_softmax_helper": '''
def softmax(logits):
    e = torch.exp(logits - logits.amax(dim=-1, keepdim=True))
    return e / e.sum(dim=-1, keepdim=True)

def log_softmax(logits):
    z = logits - logits.amax(dim=-1, keepdim=True)
    return z - torch.log(torch.exp(z).sum(dim=-1, keepdim=True))

def cross_entropy(logits, target):
    n = logits.shape[0]
    return -log_softmax(logits)[range(n), target].sum() / n

def cross_entropy_backward(logits, target):
    grad = softmax(logits)
    grad[range(len(target)), target] = grad[range(len(target)), target] - 1
    return grad / len(target)
''',
    "float64_inside": '''
def log_softmax(logits):
    z = logits.double()
    z = z - z.max(dim=1, keepdim=True).values
    return (z - z.exp().sum(dim=1, keepdim=True).log()).to(logits.dtype)

def cross_entropy(logits, target):
    return log_softmax(logits).gather(1, target[:, None]).squeeze(1).neg().mean()

def cross_entropy_backward(logits, target):
    n = logits.shape[0]
    grad = log_softmax(logits).exp()
    grad = grad - F.one_hot(target, num_classes=logits.shape[1])
    return grad / n
''',
    "log_sum_exp_without_keepdim": '''
def _log_sum_exp(z):
    top, _ = torch.max(z, dim=1)
    return top + torch.log(torch.sum(torch.exp(z - top[:, None]), dim=1))

def log_softmax(logits):
    return logits - _log_sum_exp(logits)[:, None]

def cross_entropy(logits, target):
    n = target.shape[0]
    right = logits[torch.arange(n), target]
    return torch.mean(_log_sum_exp(logits) - right)

def cross_entropy_backward(logits, target):
    n, c = logits.shape
    grad = torch.exp(log_softmax(logits))
    grad -= (torch.arange(c)[None, :] == target[:, None]).to(grad.dtype)
    return grad / n
''',
}


# One answer per stated rule that breaks that rule only (fixtures in submissions/lenet), one of each
# exercise per submission: it loses exactly the two rules' points.
DEVIATIONS = {"relu_not_sigmoid": "layers", "ignores_num_classes": "arguments",
              "pooling_rounds_up": "flattened size", "wrong_message": "too small",
              "log_softmax_over_batch": "log-probabilities", "log_softmax_no_max": "no overflow",
              "cross_entropy_sum": "loss", "backward_not_divided": "gradient"}
PAIRS = [("relu_not_sigmoid", "log_softmax_over_batch"), ("ignores_num_classes", "log_softmax_no_max"),
         ("pooling_rounds_up", "cross_entropy_sum"), ("wrong_message", "backward_not_divided")]
LOSS_CELL = "cross_entropy_answer"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    submissions = {name: student_notebook(ASSIGNMENT, NOTEBOOK, {"lenet5_for_answer": lenet.strip(), LOSS_CELL: loss.strip()})
                   for (name, lenet), loss in zip(HONEST.items(), HONEST_LOSS.values())}
    for pair in PAIRS:
        lenet_answers, loss_answers = (fixture_answers(ASSIGNMENT, NOTEBOOK, SUBMISSIONS / "lenet" / f"{name}.py") for name in pair)
        submissions["+".join(pair)] = student_notebook(ASSIGNMENT, NOTEBOOK, {**lenet_answers, LOSS_CELL: loss_answers[LOSS_CELL]})
    start = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_EPOCHS", "1")
        results = grade_all(tmp_path_factory.mktemp("course"), ASSIGNMENT, NOTEBOOK, submissions)
    print(f"graded {len(submissions)} submissions in {time.perf_counter() - start:.0f} s")
    return results


def test_at_least_eight_honest_forms_of_each_exercise():
    assert len(HONEST) >= 8 and len(HONEST_LOSS) == len(HONEST)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_form_gets_full_marks(graded, name):
    assert set(graded[name]) == set().union(*RULES.values())
    lost = {gid: score for gid, score in graded[name].items() if score[0] < score[1]}
    assert lost == {}, f"{name} (with the loss written as {list(HONEST_LOSS)[list(HONEST).index(name)]}) lost points: {lost}"


@pytest.mark.slow
@pytest.mark.parametrize("pair", PAIRS, ids="+".join)
def test_single_rule_deviation_loses_exactly_that_rule(graded, pair):
    name = "+".join(pair)
    rules = RULES[DEVIATIONS[pair[0]]] | RULES[DEVIATIONS[pair[1]]]
    failed = {gid for gid, (score, maximum) in graded[name].items() if score < maximum}
    assert failed == rules, f"{name} breaks the rules {DEVIATIONS[pair[0]]!r} and {DEVIATIONS[pair[1]]!r}: failed {sorted(failed)}"
    full = sum(maximum for _, maximum in graded[name].values())
    lost_points = sum(maximum for gid, (_, maximum) in graded[name].items() if gid in rules)
    assert sum(score for score, _ in graded[name].values()) == full - lost_points


def test_every_rule_has_a_deviation_and_each_pair_breaks_one_rule_of_each_exercise():
    assert set(DEVIATIONS.values()) == set(RULES)
    assert sorted(name for pair in PAIRS for name in pair) == sorted(DEVIATIONS)
    lenet_rules = {"layers", "arguments", "flattened size", "too small"}
    assert all(DEVIATIONS[a] in lenet_rules and DEVIATIONS[b] not in lenet_rules for a, b in PAIRS)
