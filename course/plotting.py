"""Pictures for the notebooks: live training curves, curves side by side, confusion matrices,
image grids and feature maps. Every function draws with matplotlib and returns the figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from course.training import History


def _draw_history(axes, history: History, label: str = "") -> None:
    epochs = [r.epoch for r in history.records]
    prefix = f"{label} " if label else ""
    axes[0].plot(epochs, history.train_loss, "o-", label=f"{prefix}train loss")
    axes[1].plot(epochs, history.train_accuracy, "o-", label=f"{prefix}train acc")
    if any(a is not None for a in history.test_accuracy):
        axes[1].plot(epochs, history.test_accuracy, "s--", label=f"{prefix}test acc")
    axes[0].set_xlabel("epoch"); axes[1].set_xlabel("epoch")
    axes[0].set_ylabel("cross-entropy"); axes[1].set_ylabel("accuracy")
    axes[0].legend(); axes[1].legend()


def plot_histories(histories: dict[str, History], title: str = ""):
    """Loss (left) and accuracy (right) per epoch for several training runs, on shared axes."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for label, history in histories.items():
        _draw_history(axes, history, label)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


class LiveCurves:
    """An ``on_epoch_end`` callback for :func:`course.training.train` that redraws the curves in
    place in a notebook after every epoch (outside a notebook it draws nothing)."""

    def __init__(self, title: str = ""):
        self.title = title
        self.handle = None

    def __call__(self, history: History) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is None:
            return
        fig = plot_histories({"": history}, self.title)
        if self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)
        plt.close(fig)


def plot_confusion(matrix: torch.Tensor, class_names, title: str = "confusion matrix"):
    """A heat map of a confusion matrix (rows: true class, columns: prediction), counts written in."""
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(class_names)), class_names, rotation=60, ha="right")
    ax.set_yticks(range(len(class_names)), class_names)
    ax.set_xlabel("predicted"); ax.set_ylabel("true"); ax.set_title(title)
    limit = matrix.max().item() / 2
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if matrix[i, j] > limit else "black")
    fig.tight_layout()
    return fig


def show_images(images: torch.Tensor, titles=None, columns: int = 8, scale: float = 1.4, cmap: str = "gray"):
    """A grid of images; ``images`` is (N, H, W) or (N, 1, H, W), any device and dtype."""
    images = images.detach().float().cpu()
    if images.dim() == 4:
        images = images[:, 0]
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * scale, rows * scale * 1.15), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig
