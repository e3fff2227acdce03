"""LeNet-5, as d2l teaches it and in a modern variant, as plain ``nn.Sequential`` models.

Both take a batch of shape (N, 1, 28, 28) and return logits of shape (N, 10). Being
``nn.Sequential``, they can be printed, indexed (``net[0]`` is the first convolution) and have
layers swapped (``net[1] = nn.ReLU()``). :func:`layer_table` traces the output shape and the
parameter count of every layer.
"""

from __future__ import annotations

from copy import deepcopy

import torch
from torch import nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01),
               "tanh": nn.Tanh}


def lenet5() -> nn.Sequential:
    """d2l's LeNet-5: sigmoid activations and 2×2 average pooling; 61,706 parameters.

    (N, 1, 28, 28) → conv 5×5 pad 2 → (N, 6, 28, 28) → pool → (N, 6, 14, 14) → conv 5×5 →
    (N, 16, 10, 10) → pool → (N, 16, 5, 5) → flatten (N, 400) → 120 → 84 → (N, 10).
    """
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )


def lenet5_modern(activation: str = "relu", batch_norm: bool = True, dropout: float = 0.0) -> nn.Sequential:
    """LeNet-5 with today's habits: ReLU-family activations, 2×2 max pooling, optional BatchNorm
    after each convolution and hidden linear layer, optional Dropout before the last two linear
    layers. Same shapes as :func:`lenet5`.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    act = ACTIVATIONS[activation]

    def norm(features, dims):
        if not batch_norm:
            return []
        return [nn.BatchNorm2d(features) if dims == 2 else nn.BatchNorm1d(features)]

    def drop():
        return [nn.Dropout(dropout)] if dropout > 0 else []

    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), *norm(6, 2), act(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), *norm(16, 2), act(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), *norm(120, 1), act(), *drop(),
        nn.Linear(120, 84), *norm(84, 1), act(), *drop(),
        nn.Linear(84, 10),
    )


def lenet5_features_with_head(head: str) -> nn.Sequential:
    """The modern LeNet-5's convolutions (ReLU, BatchNorm, max pooling; (N, 1, 28, 28) → (N, 16, 5, 5))
    followed by one linear layer to 10 classes, on either of two heads:

    - ``"flatten"``: Flatten → (N, 400) → Linear(400, 10), 4,010 parameters in the head;
    - ``"gap"``: global average pooling → (N, 16, 1, 1) → Flatten → (N, 16) → Linear(16, 10), 170.
    """
    features = list(lenet5_modern())[:8]
    heads = {"flatten": [nn.Flatten(), nn.Linear(16 * 5 * 5, 10)],
             "gap": [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10)]}
    if head not in heads:
        raise ValueError(f"head must be one of {sorted(heads)}, got {head!r}")
    return nn.Sequential(*features, *heads[head])


def xavier_init(model: nn.Module) -> nn.Module:
    """Xavier-uniform weights for every linear and convolution layer (what d2l's train_ch6 does)."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(module.weight)
    return model


def count_parameters(model: nn.Module) -> int:
    """Number of learnable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def layer_table(model: nn.Sequential, input_shape=(1, 1, 28, 28)) -> list[tuple[str, tuple, int]]:
    """``(layer, output shape, parameters)`` for each layer, traced with a zero input on a CPU copy
    of the model (the model itself is left where it is, in the mode it is in)."""
    rows = []
    x = torch.zeros(input_shape)
    copy = deepcopy(model).cpu().eval()
    with torch.no_grad():
        for layer in copy:
            x = layer(x)
            rows.append((repr(layer), tuple(x.shape), count_parameters(layer)))
    return rows


def format_layer_table(model: nn.Sequential, input_shape=(1, 1, 28, 28)) -> str:
    """:func:`layer_table` as aligned text, with the total parameter count."""
    rows = layer_table(model, input_shape)
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{'layer':{width}s}  {'output shape':18s} {'parameters':>10s}",
             f"{'input':{width}s}  {str(tuple(input_shape)):18s} {'':>10s}"]
    lines += [f"{name:{width}s}  {str(shape):18s} {params:10,d}" for name, shape, params in rows]
    lines.append(f"{'total':{width}s}  {'':18s} {count_parameters(model):10,d}")
    return "\n".join(lines)
