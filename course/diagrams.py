"""Pictures that explain the layers: pooling windows, where max pooling's gradient goes, a small
computational graph, a network's shapes, receptive fields, and Flatten against global average pooling.

Every function draws with matplotlib and returns the figure. Whatever a picture shows as a fact (a
window count, a shape, a gradient, a parameter count) is computed with torch when it is drawn, never
typed in, so a picture cannot say something torch does not do. The artists that carry those facts
have a ``gid`` (``"window-cell"``, ``"route"``, ``"layer"``, ...) so that tests can find them.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.patches import ConnectionPatch, FancyBboxPatch, Rectangle
from torch import nn

from course.models import count_parameters, layer_table

WINDOW, EXTRA, PADDING, PIXEL = "#f28e2b", "#e15759", "#d9d9d9", "white"


# --- pooling windows --------------------------------------------------------------------------

def pool_window_starts(size: int, kernel: int, stride: int | None = None, padding: int = 0,
                       dilation: int = 1, ceil_mode: bool = False) -> list[int]:
    """Along one dimension of length ``size``: where each pooling window starts, in the coordinates of
    the padded input (0 is the first padding position), in torch's count of windows.

    Window ``i`` covers ``start + a·dilation`` for ``a`` in ``range(kernel)``. Under ``ceil_mode`` a
    last window may reach past the padding; torch drops one that would start in the right padding.
    """
    stride = kernel if stride is None else stride
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    if span < 0:
        raise ValueError(f"a window of {kernel} (dilation {dilation}) does not fit {size} + 2·{padding} positions")
    count = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (count - 1) * stride >= size + padding:
        count -= 1
    return [i * stride for i in range(count)]


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def draw_pooling_windows(height: int = 5, width: int = 5, kernel=2, stride=None, padding=0, dilation=1,
                         ceil_mode: bool = False, columns: int = 4):
    """One panel per output pixel of a 2-D pooling over an ``height``×``width`` input: the padded input
    (padding grey), the cells of that output's window in orange, and in red a window that exists only
    because of ``ceil_mode`` (its cells past the padding dashed). Panel titles name the output pixel.
    """
    (kh, kw), (ph, pw), (dh, dw) = _pair(kernel), _pair(padding), _pair(dilation)
    sh, sw = _pair(stride) if stride is not None else (kh, kw)
    rows = pool_window_starts(height, kh, sh, ph, dh, ceil_mode)
    cols = pool_window_starts(width, kw, sw, pw, dw, ceil_mode)
    floor_rows = len(pool_window_starts(height, kh, sh, ph, dh, False))
    floor_cols = len(pool_window_starts(width, kw, sw, pw, dw, False))
    reach_h = max(rows[-1] + dh * (kh - 1) + 1, height + 2 * ph)
    reach_w = max(cols[-1] + dw * (kw - 1) + 1, width + 2 * pw)
    panels = len(rows) * len(cols)
    columns = min(columns, panels)
    fig, axes = plt.subplots(-(-panels // columns), columns, squeeze=False,
                             figsize=(2.1 * columns, 2.1 * -(-panels // columns) + 0.5))
    for ax in axes.flat:
        ax.set_axis_off()
    for n, (i, j) in enumerate((i, j) for i in range(len(rows)) for j in range(len(cols))):
        ax = axes.flat[n]
        extra = i >= floor_rows or j >= floor_cols
        for r in range(reach_h):
            for c in range(reach_w):
                inside = ph <= r < height + ph and pw <= c < width + pw
                in_padding = r < height + 2 * ph and c < width + 2 * pw
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=PIXEL if inside else (PADDING if in_padding else "none"),
                                       edgecolor="grey", linewidth=0.5, linestyle="-" if in_padding else ":"))
        for a in range(kh):
            for b in range(kw):
                r, c = rows[i] + a * dh, cols[j] + b * dw
                past = r >= height + 2 * ph or c >= width + 2 * pw
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor=EXTRA if extra else WINDOW, alpha=0.35 if past else 0.85,
                                       edgecolor="black", linewidth=1, linestyle="--" if past else "-", gid="window-cell"))
        ax.set_xlim(0, reach_w); ax.set_ylim(reach_h, 0); ax.set_aspect("equal")
        ax.set_title(f"output ({i}, {j})" + (" ceil_mode" if extra else ""), fontsize=9,
                     color=EXTRA if extra else "black")
    fig.suptitle(f"{height}×{width} input, kernel {kernel}, stride {stride if stride is not None else kernel}, "
                 f"padding {padding}, dilation {dilation}, ceil_mode={ceil_mode}: "
                 f"{len(rows)}×{len(cols)} windows", fontsize=10)
    fig.tight_layout()
    return fig


# --- max pooling's gradient -------------------------------------------------------------------

def _draw_grid(ax, values: torch.Tensor, title: str, highlight=(), fmt="{:g}"):
    """A 2-D tensor as a table of numbers; the cells in ``highlight`` (a set of (row, col)) coloured."""
    h, w = values.shape
    for r in range(h):
        for c in range(w):
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=WINDOW if (r, c) in highlight else PIXEL,
                                   edgecolor="grey", linewidth=0.8))
            ax.text(c + 0.5, r + 0.5, fmt.format(values[r, c].item()), ha="center", va="center", fontsize=9)
    ax.set_xlim(0, w); ax.set_ylim(h, 0); ax.set_aspect("equal"); ax.set_axis_off()
    ax.set_title(title, fontsize=10)


def draw_max_pool_gradient(x: torch.Tensor, kernel: int = 2, stride: int | None = None, upstream: torch.Tensor | None = None):
    """Where max pooling sends its gradient, for a 2-D input ``x`` (H, W): the input with the element
    each window took coloured, the output's upstream gradient with an arrow from each output back to
    the element that receives its gradient, and the input's gradient as autograd computes it.

    ``upstream`` (the output's shape) defaults to 1, 2, 3, ... so that each arrow's number can be
    followed. Arrows have gid ``"route"``; the gradient's panel is titled ``"input gradient"``.
    """
    x = x.detach().double().requires_grad_()
    out, idx = F.max_pool2d(x[None, None], kernel, stride, return_indices=True)
    out, idx = out[0, 0], idx[0, 0]
    if upstream is None:
        upstream = torch.arange(1.0, out.numel() + 1, dtype=torch.double).reshape(out.shape)
    out.backward(upstream)
    width = x.shape[1]
    taken = {(int(i) // width, int(i) % width) for i in idx.flatten()}
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(11, 3.8), gridspec_kw={"width_ratios": [x.shape[1], out.shape[1], x.shape[1]]})
    _draw_grid(left, x.detach(), "input (taken elements coloured)", taken)
    _draw_grid(middle, upstream, "upstream gradient of each output")
    _draw_grid(right, x.grad, "input gradient", taken)
    for (i, j), flat in zip(((i, j) for i in range(out.shape[0]) for j in range(out.shape[1])), idx.flatten().tolist()):
        r, c = divmod(flat, width)
        arrow = ConnectionPatch((j + 0.5, i + 0.5), (c + 0.5, r + 0.5), "data", "data", axesA=middle, axesB=left,
                                arrowstyle="->", color=EXTRA, linewidth=1.2, gid="route")
        fig.add_artist(arrow)
    fig.suptitle(f"max_pool2d(kernel {kernel}, stride {stride if stride is not None else kernel}): each output's "
                 f"gradient goes to the one element it took; overlapping windows add up", fontsize=10, y=1.0)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return fig


# --- a computational graph --------------------------------------------------------------------

@dataclass
class GraphNode:
    """One node of :func:`draw_computational_graph`: its value and ∂loss/∂node, both from torch."""
    name: str
    value: float
    grad: float


def small_graph(x: float = 2.0, w: float = -1.5, b: float = 0.5, slope: float = 0.1) -> dict[str, GraphNode]:
    """loss = leaky_relu(w·x + b, slope)², computed by torch with autograd: each node's value and
    gradient (z = w·x + b, a = leaky_relu(z), loss = a²)."""
    leaves = {name: torch.tensor(v, dtype=torch.double, requires_grad=True) for name, v in (("x", x), ("w", w), ("b", b))}
    z = leaves["w"] * leaves["x"] + leaves["b"]
    a = F.leaky_relu(z, slope)
    loss = a ** 2
    for t in (z, a, loss):
        t.retain_grad()
    loss.backward()
    tensors = dict(leaves, z=z, a=a, loss=loss)
    return {name: GraphNode(name, t.item(), t.grad.item()) for name, t in tensors.items()}


def draw_computational_graph(x: float = 2.0, w: float = -1.5, b: float = 0.5, slope: float = 0.1):
    """The graph of loss = leaky_relu(w·x + b)²: each node shows its value (forward, black) and the
    gradient of the loss with respect to it (backward, red); each edge shows the local gradient, so
    that every red number is the red number after it times the edge's local gradient.

    Node boxes have gid ``"node"`` and the text ``name = value`` / ``∂L = grad``.
    """
    nodes = small_graph(x, w, b, slope)
    z = nodes["z"].value
    local = {("x", "z"): w, ("w", "z"): x, ("b", "z"): 1.0,
             ("z", "a"): 1.0 if z > 0 else slope, ("a", "loss"): 2 * nodes["a"].value}
    where = {"x": (0, 2), "w": (0, 1), "b": (0, 0), "z": (1.6, 1), "a": (3.2, 1), "loss": (4.8, 1)}
    formula = {"z": "z = w·x + b", "a": f"a = leaky_relu(z, {slope:g})", "loss": "L = a²"}
    fig, ax = plt.subplots(figsize=(10, 3.6))
    for (src, dst), g in local.items():
        (x0, y0), (x1, y1) = where[src], where[dst]
        ax.annotate("", xy=(x1 - 0.45, y1), xytext=(x0 + 0.45, y0), arrowprops={"arrowstyle": "->", "color": "grey"})
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, f"∂{dst}/∂{src} = {g:g}", fontsize=8, ha="center", color="#4e79a7")
    for name, node in nodes.items():
        cx, cy = where[name]
        ax.add_patch(FancyBboxPatch((cx - 0.45, cy - 0.3), 0.9, 0.6, boxstyle="round,pad=0.02", facecolor="#f7f7f7",
                                    edgecolor="black", gid="node"))
        ax.text(cx, cy + 0.1, f"{name} = {node.value:g}", ha="center", va="center", fontsize=9)
        ax.text(cx, cy - 0.13, f"∂L = {node.grad:g}", ha="center", va="center", fontsize=9, color=EXTRA)
        if name in formula:
            ax.text(cx, cy - 0.45, formula[name], ha="center", fontsize=8)
    ax.set_xlim(-0.6, 5.4); ax.set_ylim(-0.7, 2.5); ax.set_axis_off()
    ax.set_title("forward: values (black); backward: ∂L/∂node (red) = ∂L/∂next × local gradient (blue)", fontsize=10)
    return fig


# --- a network's shapes -----------------------------------------------------------------------

def draw_network_shapes(model: nn.Sequential, input_shape: tuple[int, ...] = (1, 1, 28, 28), title: str = ""):
    """The layers of ``model`` from top to bottom, each box labelled with the layer (as torch prints
    it) and the shape of its output, measured by running a zero input through it. Boxes: gid ``"layer"``."""
    rows = [("input", tuple(input_shape))] + [(name, shape) for name, shape, _ in layer_table(model, input_shape)]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(rows) + 0.6))
    for k, (text, shape) in enumerate(rows):
        y = len(rows) - 1 - k
        shaped = len(shape) == 4
        ax.add_patch(FancyBboxPatch((0, y - 0.35), 6.2, 0.7, boxstyle="round,pad=0.02", gid="layer",
                                    facecolor="#e8f0f8" if shaped else "#f7f7f7", edgecolor="grey"))
        ax.text(0.15, y, text if len(text) < 72 else text[:69] + "...", va="center", fontsize=7.5, family="monospace")
        ax.text(7.4, y, "×".join(map(str, shape[1:])) or "scalar", va="center", ha="right", fontsize=9, weight="bold")
        if k:
            ax.annotate("", xy=(3.1, y + 0.35), xytext=(3.1, y + 0.65), arrowprops={"arrowstyle": "->", "color": "grey"})
    ax.set_xlim(-0.1, 7.5); ax.set_ylim(-0.6, len(rows) - 0.4); ax.set_axis_off()
    ax.set_title(title or "each layer and the shape of its output (one sample)", fontsize=10)
    return fig


# --- receptive fields -------------------------------------------------------------------------

def receptive_fields(layers: list[nn.Module]) -> list[tuple[str, int, int]]:
    """For a stack of square convolutions and poolings: after each layer, its name, the receptive field
    (how many input pixels along one side can reach one output pixel) and the jump (how far apart, in
    input pixels, two neighbouring outputs look). r ← r + (k − 1)·d·jump, jump ← jump·s; other layers
    (activations) change neither."""
    field, jump, result = 1, 1, []
    for layer in layers:
        if isinstance(layer, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            k = _pair(layer.kernel_size)[0]
            s = _pair(layer.stride)[0] if layer.stride is not None else k
            d = _pair(getattr(layer, "dilation", 1))[0]
            field, jump = field + (k - 1) * d * jump, jump * s
        result.append((type(layer).__name__, field, jump))
    return result


def measured_receptive_field(layers: list[nn.Module], size: int) -> int:
    """The receptive field measured with autograd: the rows of a ``size``×``size`` input that the
    gradient of the central output pixel reaches (use average, not max, pooling: max pooling's
    gradient reaches one element of each window only)."""
    x = torch.ones(1, layers_in_channels(layers), size, size, dtype=torch.double, requires_grad=True)
    h = x
    for layer in layers:
        h = layer.double()(h)
    h[0, 0, h.shape[2] // 2, h.shape[3] // 2].backward()
    rows = (x.grad[0].abs().sum(dim=(0, 2)) != 0).nonzero()
    return int(rows.max() - rows.min() + 1)


def layers_in_channels(layers: list[nn.Module]) -> int:
    """The number of input channels of the first convolution of ``layers`` (1 when there is none)."""
    return next((layer.in_channels for layer in layers if isinstance(layer, nn.Conv2d)), 1)


def draw_receptive_field(layers: list[nn.Module], size: int = 28):
    """How much of a ``size``×``size`` input one output pixel sees after each conv or pool layer: one
    panel per such layer, the input grid with that pixel's receptive field (gid ``"field"``) drawn in."""
    stages = [(index, name, field, jump) for index, (layer, (name, field, jump)) in enumerate(zip(layers, receptive_fields(layers)))
              if isinstance(layer, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d))]
    fig, axes = plt.subplots(1, len(stages), figsize=(2.6 * len(stages), 3), squeeze=False)
    for ax, (index, name, field, jump) in zip(axes.flat, stages):
        ax.add_patch(Rectangle((0, 0), size, size, facecolor=PIXEL, edgecolor="grey"))
        start = (size - field) / 2
        ax.add_patch(Rectangle((start, start), field, field, facecolor=WINDOW, alpha=0.8, edgecolor="black", gid="field"))
        ax.set_xlim(-1, size + 1); ax.set_ylim(size + 1, -1); ax.set_aspect("equal"); ax.set_axis_off()
        ax.set_title(f"after layer {index} ({name})\n{field}×{field} pixels, jump {jump}", fontsize=9)
    fig.suptitle(f"the receptive field of one output pixel on a {size}×{size} input", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


# --- Flatten + Linear against global average pooling ------------------------------------------

def head_parameters(channels: int = 16, height: int = 5, width: int = 5, classes: int = 10) -> dict[str, int]:
    """The learnable parameters of two classifier heads on a (channels, height, width) feature map,
    counted from torch's modules: Flatten then Linear, and global average pooling then Linear."""
    flatten = nn.Sequential(nn.Flatten(), nn.Linear(channels * height * width, classes))
    gap = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes))
    x = torch.zeros(1, channels, height, width)
    assert flatten(x).shape == gap(x).shape == (1, classes)
    return {"Flatten + Linear": count_parameters(flatten), "global average pooling + Linear": count_parameters(gap)}


def draw_flatten_vs_gap(channels: int = 16, height: int = 5, width: int = 5, classes: int = 10):
    """Two heads on the same feature map, with their parameter counts (bars, gid ``"head"``): Flatten
    keeps every position (channels·height·width inputs per class), global average pooling keeps one
    number per channel."""
    counts = head_parameters(channels, height, width, classes)
    fig, ax = plt.subplots(figsize=(7, 2.6))
    names = list(counts)
    bars = ax.barh(names, [counts[n] for n in names], color=[WINDOW, "#4e79a7"])
    for bar in bars:
        bar.set_gid("head")
    details = [f"{channels}·{height}·{width} = {channels * height * width} inputs → {classes}",
               f"{channels} channel means → {classes}"]
    for y, (name, detail) in enumerate(zip(names, details)):
        ax.text(counts[name], y, f"  {counts[name]} parameters ({detail})", va="center", fontsize=9)
    ax.set_xlim(0, max(counts.values()) * 2.1); ax.set_xlabel("learnable parameters")
    ax.set_title(f"two classifier heads on a {channels}×{height}×{width} feature map, {classes} classes", fontsize=10)
    fig.tight_layout()
    return fig
