"""The lessons' claim asserts, each made false on purpose: a claim assert that still passes when the
measured figure says the opposite checks nothing (issue: "asserts that can fail").

Every code cell of a source notebook that is not graded and contains an ``assert`` is a *claim cell*.
For each one, :data:`FALSIFICATIONS` lists one or more edits ``(old, new)`` of its source: ``old`` is
text found in exactly one lesson cell of that notebook, ``new`` replaces it so that the measured
quantity the claim is about comes out otherwise (a stride-1 control that now differs, a gradient
scaled by 1000, ...). While ``tests/test_notebooks_run.py`` runs the notebook, each claim cell runs as
written (its asserts must pass) and then once per edit, edited, in a copy of the kernel's namespace
with the random number generators restored afterwards: it must raise ``AssertionError``. Anything
else — no error, another error, ``old`` not found — fails the test with the cell and the edit named.

Edit the measurement, not the assert: replacing ``assert x < 1`` by ``assert x > 1`` proves nothing.
"""

from __future__ import annotations

import re

FALSIFICATIONS: dict[str, list[tuple[str, str]]] = {
    "01_pooling": [
        ("max_out, avg_out = nn.MaxPool2d(2)(fmap), nn.AvgPool2d(2)(fmap)",
         "max_out, avg_out = nn.AvgPool2d(2)(fmap), nn.MaxPool2d(2)(fmap)"),
        ("for title, batch in views.items():",
         "samples = samples * 2\nfor title, batch in views.items():"),          # the mean of other pixels
        ("pool = nn.MaxPool2d(2)", "pool = nn.Conv2d(2, 2, 2, stride=2)"),
        ("default_stride = F.max_pool2d(grid, 2)", "default_stride = F.max_pool2d(grid, 2, stride=1)"),
        ("max_padded = F.max_pool2d(negative, 2, stride=1, padding=1)",
         "max_padded = F.max_pool2d(F.pad(negative, (1, 1, 1, 1)), 2, stride=1)"),          # zeros, not -inf
        ("avg_padded = F.avg_pool2d(negative, 2, stride=1, padding=1)",
         "avg_padded = F.avg_pool2d(negative, 2, stride=1, padding=1, count_include_pad=False)"),
        ("count_include_pad=False)", "count_include_pad=True)"),
        ("sums = F.avg_pool2d(grid, 2, divisor_override=1)", "sums = F.avg_pool2d(grid, 2)"),
        ("dilation=2)", "dilation=1)"),
        ("ceiled = F.max_pool2d(grid, 2, ceil_mode=True)", "ceiled = F.max_pool2d(grid, 2, ceil_mode=False)"),
        ("kept = F.max_pool2d(row, (1, 2)", "kept = F.max_pool2d(row, (1, 3)"),
        ("values, indices = F.max_pool2d(grid, 2, return_indices=True)",
         "values, indices = F.max_pool2d(grid.flip(-1), 2, return_indices=True)"),
        ("other[0, 0][~back] = -100.0", "other[0, 0][~back] = 100.0"),        # new maxima: another unpooled map
        ("ties = torch.tensor([[[[7., 7.], [7., 1.]]]])", "ties = torch.tensor([[[[1., 7.], [7., 7.]]]])"),
        ("agree += out.shape[-1] == pool_output_size(n, k, s, p, d, ceil)",
         "agree += out.shape[-1] == pool_output_size(n, k, s, p, d, False)"),   # a formula without the ceiling
        ("side = 28", "side = 27"),                                               # odd: kernel 2 gains a window too
        ("picture[0, 0, 1, column] = 1.0", "picture[0, 0, 1, column] = 1.0 + column"),
        ("for k in (2, 4):\n    for kind in (",                                  # stride-1 controls 1.5 times larger
         "changes = {name: value * 1.5 if name.endswith(str(1)) else value for name, value in changes.items()}\n"
         "for k in (2, 4):\n    for kind in ("),
        ("gap = nn.AdaptiveAvgPool2d(1)(maps)", "gap = nn.AdaptiveMaxPool2d(1)(maps)"),
        ("nn.Conv2d(6, 16, kernel_size=5)", "nn.Conv2d(6, 16, kernel_size=3)"),
        ("out.backward(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))", "out.backward(torch.tensor([[[[1.0, 2.0], [3.0, 5.0]]]]))"),
        ("F.max_pool2d(through_max, 2).sum().backward()", "F.avg_pool2d(through_max, 2).sum().backward()"),
        ("dilation = 3", "dilation = 1"),                                         # windows that cover the input
        ("left, right = (0.1 + 0.2) + 0.3, 0.1 + (0.2 + 0.3)", "left, right = (0.1 + 0.2) + 0.3, (0.1 + 0.2) + 0.3"),
        ("mine_max, theirs_max = max_pool2d(image, 2), F.max_pool2d(image, 2)",
         "mine_max, theirs_max = max_pool2d(image, 2, stride=1), F.max_pool2d(image, 2)"),
        # the pictures: what they draw is torch's
        ("draw_pooling_windows(5, 5, kernel=2, stride=2, ceil_mode=True)",
         "draw_pooling_windows(5, 5, kernel=2, stride=2, ceil_mode=False)"),
        ("draw_pooling_windows(5, 5, kernel=2, stride=2, padding=1", "draw_pooling_windows(5, 5, kernel=2, stride=1, padding=1"),
        ("stride=1, dilation=2, columns=5)", "stride=1, dilation=1, columns=5)"),
        ("features = list(lenet_features)[:6]",
         "features = list(lenet_features)[:6]\nfeatures[3] = nn.Conv2d(6, 16, kernel_size=3)"),   # fields 10 and 12
        ("heads = head_parameters(16, 5, 5, 10)", "heads = head_parameters(16, 4, 4, 10)"),
        ("draw_max_pool_gradient(x[0, 0], 2", "draw_max_pool_gradient(-x[0, 0], 2"),             # every window takes the 0
    ],
    "02_linear_activation": [
        # the computational graph: a steeper slope breaks the chain of products taken with 0.1
        ("nodes = small_graph(x=2.0, w=-1.5, b=0.5, slope=0.1)", "nodes = small_graph(x=2.0, w=-1.5, b=0.5, slope=0.2)"),
        # section 1: the product, the layer, the bias, the parameter count
        ("[3.0, 3.0, 3.0, 3.0]])", "[3.0, 3.0, 3.0, 3.5]])"),
        ("layer.weight.copy_(W_in_by_out.T)", "layer.weight.copy_(W_in_by_out.T * 2)"),
        ("torch.tensor([0.5, -1.0, 0.0, 2.0])", "torch.tensor([0.5, -1.0, 0.0, 2.5])"),
        ("for p in layer.parameters())", "for p in list(layer.parameters())[:1])"),
        # section 2: the shapes through the blocks, the LeakyReLU example
        ("h = torch.randn(3, n_roi)", "h = torch.randn(5, n_roi)"),
        ("nn.LeakyReLU(0.2)(linear_out)", "nn.LeakyReLU(0.3)(linear_out)"),
        # section 3: two layers are one; XOR needs the ReLU
        ("merged.bias.copy_(b)", "merged.bias.copy_(b + 0.01)"),
        ("mlp = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))",
         "mlp = nn.Sequential(nn.Linear(2, 16), nn.Identity(), nn.Linear(16, 2))"),
        # section 4: the table's figures (Sigmoid's row measured on Tanh), Hardswish's jumps, PReLU, RReLU
        ("relu6, hswish = (table[k]", "relu6, hswish = (dict(table, Sigmoid=table[list(table)[6]])[k]"),   # Tanh's row
        ("F.hardswish(probe).sum()", "F.relu(probe).sum()"),
        # why Hardswish: Swish measured as Hardswish; the integer form with another clip
        ("gap = (F.hardswish(x) - F.silu(x)).abs()", "gap = (F.hardswish(x) - F.hardswish(x)).abs()"),
        ("in_integers = whole * (whole + 3).clamp(0, 6)", "in_integers = whole * (whole + 3).clamp(0, 5)"),
        # gradcheck: a kink in the points that should avoid them; float64 where float32 should fail; a right sigmoid
        ("away = torch.tensor([-2.5, -0.7, 0.4, 1.3, 4.0]", "away = torch.tensor([-2.5, -0.7, 0.0, 1.3, 4.0]"),
        ("in_float32 = away.detach().float().requires_grad_()", "in_float32 = away"),
        ("return grad_output * y                                     # the mistake: y(1 − y) is right",
         "return grad_output * y * (1 - y)"),
        ("targets = torch.where(inputs > 0, inputs, 0.25 * inputs)", "targets = torch.where(inputs > 0, inputs, 0.35 * inputs)"),
        ("nn.RReLU(lower=0.1, upper=0.3)", "nn.RReLU(lower=0.1, upper=0.5)"),
        # section 5: sparsity, ReLU6 (no large activation: little to clip), ReLU before Sigmoid, in-place
        ("hidden_layer(torch.randn(256, 100))", "(hidden_layer(torch.randn(256, 100)) + 1)"),
        ("pre[0] = 60.0", "pre[0] = 6.0"),
        ("return self.sigmoid(self.relu(x))", "return self.relu(self.sigmoid(x))"),
        ("same = F.leaky_relu(activation_map, 0.2, inplace=True)", "same = F.leaky_relu(activation_map, 0.2, inplace=False)"),
        ("s.mul_(2)", "s = s * 2"),
        # section 6: gain 4 measured as gain 1; a sweep without a gain; a leak of 0; a gentler rate
        ("for g in (1, 4))", "for g in (1, 1))"),
        ("gains = (1, 2, 4, 8, 12, 16)", "gains = (1, 1, 1, 1, 1, 1)"),
        ("relu_measured, leaky_measured = relu_run, leaky_run", "relu_measured, leaky_measured = relu_run, dead_start(nn.LeakyReLU(0.0))"),
        ("dead_start(nn.LeakyReLU(0.1), lr=0.1)", "dead_start(nn.LeakyReLU(0.1), lr=0.05)"),
        # section 7: probabilities, BCE from logits, softmax, cross-entropy
        ("probabilities = torch.sigmoid(logits)", "probabilities = torch.tanh(logits)"),
        ("z, target = torch.tensor([40.0]", "z, target = torch.tensor([4.0]"),
        ("naive = big.exp() / big.exp().sum()", "naive = (big - big.max()).exp() / (big - big.max()).exp().sum()"),
        ("twice = F.cross_entropy(torch.softmax(logits, dim=1), label)", "twice = F.cross_entropy(logits, label)"),
        # section 8: dropout, batch norm in training and in evaluation
        ("nn.Dropout(p=0.5)", "nn.Dropout(p=0.3)"),
        ("normalised = norm(features)", "normalised = norm.eval()(features)"),
        ("in_b = norm.train()(torch.cat([sample, companions_b]))[0]", "in_b = norm.train()(torch.cat([sample, companions_a]))[0]"),
        # section 9b and 9c: torch's gradient in the worked example; a large finite value times 0 is 0
        ("F.leaky_relu(x, 0.1).backward", "F.leaky_relu(x, 0.2).backward"),
        ("inf = torch.tensor([math.inf])", "inf = torch.tensor([1e30])"),
        # section 9c: the worked example with another upstream gradient
        ("y.backward(torch.tensor([[1.0, -1.0, 2.0]]))", "y.backward(torch.tensor([[1.0, -1.0, 2.5]]))"),
        # section 9d: the planted mistake mended; float32's row read as float64's
        ("        return grad * 0.1\n", "        return torch.where(ctx.saved_tensors[0] > 0, grad, grad * 0.1)\n"),
        ("f64, f32 = step_errors[torch.float64], step_errors[torch.float32]",
         "f64, f32 = step_errors[torch.float32], step_errors[torch.float64]"),
        # section 10: training that does not train
        ("optimizer = torch.optim.SGD(classifier.parameters(), lr=0.1)", "optimizer = torch.optim.SGD(classifier.parameters(), lr=0.0)"),
    ],
    "03_lenet": [
        # (no quote characters in these edits: the probe quotes them inside a string literal)
        # Flatten against global average pooling: the accuracies read the other way round
        ("(flatten_params, flatten_accuracy), (gap_params, gap_accuracy) = heads.values()",
         "(gap_params, gap_accuracy), (flatten_params, flatten_accuracy) = heads.values()"),
        # d2l.corr2d with the filter flipped (a true convolution); d2l's LeNet sized for 32×32 images
        ("by_d2l = d2l.corr2d(ramp[0, 0], diagonal_difference[0, 0])",
         "by_d2l = d2l.corr2d(ramp[0, 0], diagonal_difference[0, 0].flip(0, 1))"),
        ("d2l_lenet.net(torch.zeros(1, 1, 28, 28))", "d2l_lenet.net(torch.zeros(1, 1, 32, 32))"),
        # the picture of the shapes, drawn for 32×32 images up to Flatten: 16×6×6 and 576
        ("draw_network_shapes(net, (1, 1, 28, 28)", "draw_network_shapes(net[:7], (1, 1, 32, 32)"),
        # a filter that subtracts twice the bottom-right value: the outputs are no longer all −5
        ("[[1.0, 0.0], [0.0, -1.0]]", "[[1.0, 0.0], [0.0, -2.0]]"),
        # unfold's product with the bias counted twice no longer matches nn.Conv2d
        ("+ conv.bias.reshape(4, 1)", "+ 2 * conv.bias.reshape(4, 1)"),
        # summing two of the three input channels misses the third one's contribution
        ("for c in range(3))", "for c in range(2))"),
        # convolutions padded one more than the rule assumes; LeNet's second conv padded by 2
        ("nn.Conv2d(1, 1, k, stride=s, padding=p)", "nn.Conv2d(1, 1, k, stride=s, padding=p + 1)"),
        ("nn.Conv2d(6, 16, 5, padding=0)", "nn.Conv2d(6, 16, 5, padding=2)"),
        # the second linear layer counted instead of the first
        ("first_conv, first_linear = net[0], net[7]", "first_conv, first_linear = net[0], net[9]"),
        # images kept as bytes (0..255) instead of floats in [0, 1]
        ("torchvision.transforms.ToTensor()", "torchvision.transforms.PILToTensor()"),
        # a first epoch whose loss were half of ln 10 (off the plateau), or whose accuracy were 4×
        ("mean_loss = sum(batch_losses) / len(batch_losses)", "mean_loss = 0.5 * sum(batch_losses) / len(batch_losses)"),
        ("train_accuracy_by_hand = correct / seen", "train_accuracy_by_hand = 4 * correct / seen"),
        # the training set stored as floats: four bytes per pixel
        ("stored = train_batches.images", "stored = train_batches.to_float(train_batches.images)"),
        # a loss curve half as high: the first epoch no longer on the plateau
        ("d2l_losses, d2l_test = original_history.train_loss,",
         "d2l_losses, d2l_test = [v / 2 for v in original_history.train_loss],"),
        # the modern network untrained after its first epoch; its final accuracy d2l's
        ("d2l_first, modern_first = original_history.test_accuracy[0], modern_history.test_accuracy[0]",
         "d2l_first, modern_first = original_history.test_accuracy[0], evaluate(xavier_init(lenet5_modern()).to(device), test_batches)"),
        ("modern_final = modern_history.test_accuracy[-1]", "modern_final = original_history.test_accuracy[-1]"),
        # the "test" accuracy measured on the training images: no gap left for the modern network
        ("on_train, on_test = evaluate(model, train_batches), evaluate(model, test_batches)",
         "on_train, on_test = evaluate(model, train_batches), evaluate(model, train_batches)"),
        # the training-mode network fed shuffled batches instead of batches sorted by class
        ("accuracy_in_mode(modern, sorted_batches, True)", "accuracy_in_mode(modern, shuffled_batches, True)"),
        # the confusion matrix of the other network: its diagonal is not the modern one's accuracy
        ("matrix = confusion_matrix(modern, test_batches)", "matrix = confusion_matrix(original, test_batches)"),
        # the diagonal left in: the "largest confusions" become correct answers (trousers, bags, ...)
        ("off_diagonal = matrix.clone().fill_diagonal_(0)", "off_diagonal = matrix.clone()"),
        # the patch of a value after the first pooling, not after the second convolution
        ("patch_size(d2l_copy[:4], 5, 5)", "patch_size(d2l_copy[:3], 5, 5)"),
        # an untrained network scored in place of the restored one
        ("restored_accuracy = evaluate(restored, test_batches)",
         "restored_accuracy = evaluate(xavier_init(lenet5_modern()).to(device), test_batches)"),
        # a first pooling with stride 1, and a second linear layer without bias: other sides and counts
        ("(nn.Conv2d(3, 6, 5, padding=2), nn.AvgPool2d(2, 2),", "(nn.Conv2d(3, 6, 5, padding=2), nn.AvgPool2d(2, 1),"),
        ("count_parameters(nn.Linear(120, 84))", "count_parameters(nn.Linear(120, 84, bias=False))"),
        # layers that keep more of the image: the 11×11 input is built, 17×23 gives other sides
        ("(nn.Conv2d(1, 6, 5, padding=2), nn.AvgPool2d(2, 2), nn.Conv2d(6, 16, 5),",
         "(nn.Conv2d(1, 6, 5, padding=2), nn.AvgPool2d(2, 2), nn.Conv2d(6, 16, 5, padding=2),"),
        # section 10: logits twice as large give other probabilities and another loss
        ("logits, target = worked_example()                       # logits (2, 3), classes (2,)",
         "logits, target = worked_example()\nlogits = 2 * logits"),
        # the overflow that is not there: softmax as written on small logits, the log of torch's log_softmax
        ("as_written = big.exp() / big.exp().sum(dim=1, keepdim=True)", "as_written = torch.softmax(big, dim=1)"),
        ("log_of_softmax = torch.softmax(big, dim=1).log()", "log_of_softmax = F.log_softmax(big, dim=1)"),
        ("by_torch = F.log_softmax(big, dim=1)", "by_torch = torch.softmax(big, dim=1).log()"),
        ("e88, e89 = torch.exp(torch.tensor(88.0)), torch.exp(torch.tensor(89.0))",
         "e88, e89 = torch.exp(torch.tensor(88.0)), torch.exp(torch.tensor(88.5))"),
        ("torch.softmax(moved - 5.0, dim=1)", "torch.softmax(moved * 5.0, dim=1)"),
        # the gradient of twice the loss: no longer (softmax − one_hot) / N
        ("F.cross_entropy(example_logits, example_target).backward()",
         "(2 * F.cross_entropy(example_logits, example_target)).backward()"),
    ],
}

_ASSERT = re.compile(r"^\s*assert\b", re.M)
_TIMING = re.compile(r"perf_counter|time\.time|monotonic|seconds|speed|per_second", re.I)


def is_claim_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.cell_type == "code" and not meta.get("grade") and not meta.get("solution")
            and bool(_ASSERT.search(cell.source)))


def claim_asserts_on_timing(cell) -> list[str]:
    """The assert lines of a claim cell that mention a clock or a speed (a lesson asserts no timing)."""
    return [line.strip() for line in cell.source.splitlines() if _ASSERT.match(line) and _TIMING.search(line)]


def edits_for(assignment: str, cells) -> tuple[dict[int, list[tuple[str, str]]], list[str]]:
    """``({cell index: [(old, new), ...]}, problems)`` for a notebook's ``cells``: problems name each
    edit whose ``old`` is in no lesson cell or in several, and each claim cell without an edit."""
    claims = {i: cell for i, cell in enumerate(cells) if is_claim_cell(cell)}
    edits: dict[int, list[tuple[str, str]]] = {}
    problems = []
    for old, new in FALSIFICATIONS.get(assignment, []):
        where = [i for i, cell in claims.items() if old in cell.source]
        if len(where) != 1:
            problems.append(f"{assignment}: the edit of {old!r} matches {len(where)} claim cells, not one")
            continue
        edits.setdefault(where[0], []).append((old, new))
    for i, cell in claims.items():
        if i not in edits:
            first = next(line for line in cell.source.splitlines() if _ASSERT.match(line)).strip()
            problems.append(f"{assignment}: claim cell {i} ({first[:70]!r}) has no falsifying edit")
    return edits, problems


PROBE = '''\
import random as __random
import torch as __torch
__rng = (__torch.get_rng_state(), __random.getstate())
try:
    exec(compile({source!r}, "<claim cell {index}, made false>", "exec"), dict(globals()))
except AssertionError:
    pass
else:
    raise RuntimeError({message!r})
finally:
    __torch.set_rng_state(__rng[0])
    __random.setstate(__rng[1])
    del __rng
'''


def probe_source(cell, index: int, old: str, new: str) -> str:
    """The code that runs claim cell ``index`` with ``old`` replaced by ``new`` and demands an AssertionError."""
    message = f"claim cell {index} still passes when made false by replacing {old!r} with {new!r}"
    return PROBE.format(source=cell.source.replace(old, new), index=index, message=message)
