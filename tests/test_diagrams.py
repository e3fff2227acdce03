"""The explaining pictures (course/diagrams.py) draw what torch does: window counts, gradient routes,
gradients, shapes, receptive fields and parameter counts are checked against torch itself."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F
from matplotlib.patches import ConnectionPatch
from torch import nn

from course import diagrams
from course.models import lenet5


def _with_gid(fig, gid):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    plt.close(fig)
    return found


def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("size,kernel,stride,padding,dilation,ceil", [
    (5, 2, 2, 0, 1, False), (5, 2, 2, 0, 1, True), (5, 3, 2, 1, 1, True), (7, 2, 1, 0, 2, False),
    (6, 3, 2, 1, 2, True), (4, 2, 3, 1, 1, True), (28, 2, 2, 0, 1, True), (1, 1, 1, 0, 1, False)])
def test_window_starts_count_windows_as_torch_does(size, kernel, stride, padding, dilation, ceil):
    out = F.max_pool2d(torch.zeros(1, 1, size, size), kernel, stride, padding, dilation, ceil)
    starts = diagrams.pool_window_starts(size, kernel, stride, padding, dilation, ceil)
    assert len(starts) == out.shape[-1]
    assert starts == [i * stride for i in range(len(starts))]


def test_window_starts_refuse_a_window_that_does_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        diagrams.pool_window_starts(2, 3)


def test_pooling_windows_one_panel_per_output_and_kernel_cells_each():
    fig = diagrams.draw_pooling_windows(5, 5, kernel=2, stride=2, ceil_mode=True)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 9                                  # torch: 3×3 windows under ceil_mode
    assert sum("ceil_mode" in t for t in titles) == 5        # the last row and column exist only by it
    assert len(_with_gid(fig, "window-cell")) == 9 * 4


def test_pooling_windows_dilated_cells_are_spread():
    fig = diagrams.draw_pooling_windows(5, 5, kernel=2, stride=1, dilation=2)
    first = fig.axes[0]
    cells = sorted((int(p.get_y()), int(p.get_x())) for p in first.patches if p.get_gid() == "window-cell")
    plt.close(fig)
    assert cells == [(0, 0), (0, 2), (2, 0), (2, 2)]


def test_max_gradient_routes_each_output_to_torchs_index():
    x = torch.tensor([[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 1.0], [0.0, 2.0, 1.0, 1.0], [9.0, 1.0, 6.0, 7.0]])
    fig = diagrams.draw_max_pool_gradient(x, 2)
    routes = [a for a in fig.findobj(ConnectionPatch) if a.get_gid() == "route"]
    targets = sorted((int(a.xy2[1]), int(a.xy2[0])) for a in routes)
    _, idx = F.max_pool2d(x[None, None], 2, return_indices=True)
    assert targets == sorted(divmod(int(i), 4) for i in idx.flatten())
    assert "16" not in _texts(fig) and {"1", "2", "3", "4"} <= set(_texts(fig))   # upstream 1..4
    plt.close(fig)


def test_max_gradient_overlapping_windows_add_up():
    x = torch.tensor([[0.0, 0.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]])
    fig = diagrams.draw_max_pool_gradient(x, 2, stride=1)
    right = [ax for ax in fig.axes if ax.get_title() == "input gradient"][0]
    center = [t.get_text() for t in right.texts if t.get_position() == (1.5, 1.5)]
    plt.close(fig)
    assert center == ["10"]                                   # 1 + 2 + 3 + 4: all four windows took the 9


def test_computational_graph_shows_autograds_gradients():
    nodes = diagrams.small_graph(2.0, -1.5, 0.5, 0.1)
    z = nodes["z"].value
    assert z == -2.5 and nodes["a"].value == pytest.approx(-0.25) and nodes["loss"].value == pytest.approx(0.0625)
    # chain rule by hand: dL/da = 2a, da/dz = slope, dz/dw = x
    assert nodes["a"].grad == pytest.approx(-0.5)
    assert nodes["z"].grad == pytest.approx(-0.05)
    assert nodes["w"].grad == pytest.approx(-0.1) and nodes["x"].grad == pytest.approx(0.075)
    fig = diagrams.draw_computational_graph(2.0, -1.5, 0.5, 0.1)
    texts = _texts(fig)
    assert "∂L = -0.1" in texts and "∂L = -0.05" in texts and "∂a/∂z = 0.1" in texts
    assert len(_with_gid(fig, "node")) == 6


def test_network_shapes_are_measured():
    fig = diagrams.draw_network_shapes(lenet5())
    texts = _texts(fig)
    assert len(_with_gid(fig, "layer")) == len(lenet5()) + 1
    for shape in ("1×28×28", "6×28×28", "6×14×14", "16×10×10", "16×5×5", "400", "120", "84", "10"):
        assert shape in texts, shape


def test_receptive_field_formula_matches_autograd():
    layers = [nn.Conv2d(1, 2, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2), nn.Conv2d(2, 3, 5), nn.Sigmoid(),
              nn.AvgPool2d(2), nn.Conv2d(3, 1, 3, dilation=2)]
    fields = diagrams.receptive_fields(layers)
    assert [f for _, f, _ in fields] == [5, 5, 6, 14, 14, 16, 32]
    for stop in range(1, len(layers) + 1):
        assert diagrams.measured_receptive_field(layers[:stop], 64) == fields[stop - 1][1]
    fig = diagrams.draw_receptive_field(layers, 64)
    sides = sorted(p.get_width() for p in _with_gid(fig, "field"))
    assert sides == sorted([5, 6, 14, 16, 32])


def test_flatten_vs_gap_counts_parameters_of_torchs_modules():
    counts = diagrams.head_parameters(16, 5, 5, 10)
    assert counts == {"Flatten + Linear": 400 * 10 + 10, "global average pooling + Linear": 16 * 10 + 10}
    fig = diagrams.draw_flatten_vs_gap()
    texts = " ".join(_texts(fig))
    assert "4010 parameters" in texts and "170 parameters" in texts
    assert len(_with_gid(fig, "head")) == 2
