"""The rule of each graded exercise: torch's own versions of it (its shortcuts), and the only ATen
operations its graded functions may run (an allow-list), forward and backward.

:class:`course.checks.OpGuard` enforces a rule in a notebook's test cells; the grader enforces the
same rule in the student's process, per graded function: each answer cell names its functions'
rules (:data:`EXERCISES`, by name) in its metadata ``course.rules``.
Names are ATen overload packets (``aten::add`` covers every overload; ``add_`` is its own).
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIVATION_SHORTCUTS = frozenset({
    "leaky_relu", "leaky_relu_", "leaky_relu_backward", "rrelu", "rrelu_", "rrelu_with_noise",
    "rrelu_with_noise_", "prelu", "_prelu_kernel", "elu", "elu_", "celu", "celu_", "selu", "selu_",
})
"""ATen operations a hand-written LeakyReLU must not call."""

POOLING_SHORTCUTS = frozenset({
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "max_pool1d_with_indices", "max_pool2d_with_indices_backward", "quantized_max_pool2d",
    "mkldnn_max_pool2d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "avg_pool2d_backward",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "_adaptive_avg_pool2d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d", "lp_pool1d", "lp_pool2d",
    "fractional_max_pool2d", "fractional_max_pool3d", "max_unpool2d", "max_unpool3d",
})
"""ATen operations a hand-written pooling layer must not call."""


# -- the operations an exercise allows ----------------------------------------------------------
# An allow-list, not only a deny-list: a list of torch's shortcuts is never complete (PReLU's
# backward kernel computes LeakyReLU's gradient, a 3-D pooling kernel pools a depth-1 volume, a
# convolution with a kernel of ones sums windows), so while a student's graded function runs, only
# the ATen operations below may run. Chosen by measurement: the operations of the instructor's
# solutions and of honest alternative answers (tests/submissions/*/honest_*.py: masks by where,
# by index_put, masked_fill, masked_scatter, scatter; windows by unfold, as_strided, slicing loops,
# F.unfold; padding by F.pad or torch.cat; backward by scatter_add, index_put, index_add, one-hot
# sums), of what autograd runs for their backward, and of the tests' own checks (gradcheck).
# Names are ATen overload packets (``aten::add`` covers every overload; ``add_`` is its own).

def _with_inplace(*names: str) -> frozenset:
    return frozenset(names) | frozenset(n + "_" for n in names)


ARITHMETIC = _with_inplace("add", "sub", "rsub", "mul", "div", "neg", "abs", "sign", "sgn", "reciprocal",
                           "remainder", "fmod", "floor_divide", "floor", "ceil", "trunc", "round", "copysign",
                           "pow", "square", "sqrt")
"""Elementwise arithmetic (``+ - * /`` and friends, in place too)."""

COMPARISONS = _with_inplace("gt", "ge", "lt", "le", "eq", "ne", "logical_not", "logical_and", "logical_or",
                            "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor") | frozenset({
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "maximum", "minimum", "fmax", "fmin",
    "equal", "isclose", "allclose"})
"""Comparisons, NaN/inf tests, boolean logic, elementwise maximum/minimum."""

SELECTION = _with_inplace("clamp", "clamp_min", "clamp_max", "masked_fill", "masked_scatter", "relu",
                          "nan_to_num") | frozenset({
    "where", "masked_select", "nonzero", "nonzero_static", "threshold_backward", "masked_select_backward",
    "masked_scatter_backward"})
"""Masks: ``torch.where``, clamping, ``masked_fill``/``masked_scatter``/``masked_select``, ``nonzero``,
``nan_to_num``."""

INDEXING = _with_inplace("index_put", "index_add", "index_copy", "index_fill", "scatter", "scatter_add",
                         "scatter_reduce") | frozenset({
    "index", "_index_put_impl_", "index_select", "index_select_backward", "gather", "take", "take_along_dim",
    "select", "select_backward", "slice", "slice_backward", "narrow", "select_scatter", "slice_scatter",
    "_unsafe_index", "_unsafe_index_put", "sort", "topk"})
"""Indexing and scattering: ``x[mask]``, ``x[i] = v``, gather/scatter(_add), index_add/copy/fill."""

VIEWS = _with_inplace("squeeze", "unsqueeze", "transpose", "t", "as_strided") | frozenset({
    "view", "_unsafe_view", "reshape", "_reshape_alias", "alias", "permute", "expand", "expand_as", "flatten",
    "unflatten", "unfold", "unfold_backward", "flip", "roll", "movedim", "diagonal", "split", "split_with_sizes",
    "chunk", "unbind", "cat", "stack", "repeat", "tile", "constant_pad_nd", "pad", "contiguous",
    "as_strided_scatter", "view_as", "broadcast_to"})
"""Views and reshaping, sliding windows (``Tensor.unfold``), concatenation and padding (``F.pad``, ``torch.cat``)."""

CREATION = frozenset({
    "zeros", "ones", "full", "empty", "empty_like", "zeros_like", "ones_like", "full_like", "new_zeros", "new_ones",
    "new_full", "new_empty", "empty_strided", "new_empty_strided", "arange", "linspace", "scalar_tensor",
    "lift_fresh", "lift_fresh_copy", "fill", "fill_", "zero_"})
"""New tensors: zeros/ones/full/empty/arange, their ``*_like`` and ``new_*`` forms, fill."""

CONVERSION = frozenset({"_to_copy", "copy_", "_copy_from", "_copy_from_and_resize", "clone", "detach",
                        "detach_", "resize_", "_local_scalar_dense", "promote_types", "result_type"})
"""dtype/device conversion (``.to``), copies (``copy_``, ``clone``), ``detach``, ``.item()``."""

LINEAR_ALGEBRA = frozenset({"mm", "addmm", "bmm", "matmul", "mv", "dot"})
"""The matrix products of the linear layers the tests put around an activation (no window, no activation)."""

SMALL_REDUCTIONS = frozenset({"sum", "all", "any", "max", "min"})
"""What the tests' own checks run on results (``.sum().backward()``, gradcheck's comparisons)."""

POOLING_REDUCTIONS = SMALL_REDUCTIONS | frozenset({"mean", "amax", "amin", "argmax", "argmin", "cumsum",
                                                   "count_nonzero", "prod"})
"""The reductions a pooling layer is built from: max/amax/argmax over a window, its sum or mean."""

WINDOWS = frozenset({"im2col", "col2im"})
"""``F.unfold`` (im2col) and its backward: every window at once, like ``Tensor.unfold``."""

_PRIMITIVES = ARITHMETIC | COMPARISONS | SELECTION | INDEXING | VIEWS | CREATION | CONVERSION

LINEAR_SHORTCUTS = _with_inplace("addmm", "addmv", "addbmm", "baddbmm", "addr") | frozenset({
    "linear", "_addmm_activation", "linear_backward", "mkldnn_linear", "mkldnn_linear_backward"})
"""torch's own linear layer: ``F.linear`` (``nn.Linear``) and the fused products that add a bias."""

PRODUCTS = frozenset({"mm", "bmm", "matmul", "mv", "dot", "outer"})
"""Matrix products without a fused bias (``@``, ``einsum`` and ``tensordot`` come down to them)."""

SOFTMAX_SHORTCUTS = frozenset({
    "softmax", "_softmax", "log_softmax", "_log_softmax", "_softmax_backward_data", "_log_softmax_backward_data",
    "logsumexp", "cross_entropy_loss", "nll_loss", "nll_loss_forward", "nll_loss_nd", "nll_loss2d",
    "nll_loss2d_forward", "nll_loss_backward", "nll_loss2d_backward", "special_log_softmax", "special_softmax",
    "special_logsumexp", "log_sigmoid_forward", "multilabel_margin_loss_forward", "multi_margin_loss",
    "huber_loss", "kl_div", "binary_cross_entropy", "binary_cross_entropy_with_logits"})
"""torch's own softmax, log-softmax, log-sum-exp and the losses built on them."""

EXP_AND_LOG = _with_inplace("exp", "log", "log1p", "expm1", "exp2", "log2", "log10") | frozenset({"one_hot", "aminmax", "eye"})
"""Exponentials, logarithms, and one-hot rows (``F.one_hot``, which checks its classes with
``aminmax``; ``torch.eye``): what a softmax and its loss by hand are made of."""

ALLOWED_OPS = {
    "leaky_relu": _PRIMITIVES | LINEAR_ALGEBRA | SMALL_REDUCTIONS,
    "pooling": _PRIMITIVES | LINEAR_ALGEBRA | POOLING_REDUCTIONS | WINDOWS,
    "linear": _PRIMITIVES | PRODUCTS | SMALL_REDUCTIONS | frozenset({"mean"}),
    "gradient_check": _PRIMITIVES | PRODUCTS | POOLING_REDUCTIONS,
    "cross_entropy": _PRIMITIVES | EXP_AND_LOG | POOLING_REDUCTIONS,
}
"""Per exercise, the only ATen operations its graded functions may run (forward and backward)."""


@dataclass(frozen=True)
class Exercise:
    """An exercise's rule: the operations it allows, and torch's own versions of it (named as such)."""

    name: str
    allowed: frozenset | None          # None: any operation but the shortcuts
    shortcuts: frozenset
    no_autograd: bool = False          # True: the function may not build an autograd graph (it computes gradients)


LEAKY_RELU_EXERCISE = Exercise("leaky_relu", ALLOWED_OPS["leaky_relu"], ACTIVATION_SHORTCUTS)
POOLING_EXERCISE = Exercise("pooling", ALLOWED_OPS["pooling"], POOLING_SHORTCUTS)
LINEAR_EXERCISE = Exercise("linear", ALLOWED_OPS["linear"], LINEAR_SHORTCUTS)
LINEAR_BACKWARD_EXERCISE = Exercise("linear_backward", ALLOWED_OPS["linear"], LINEAR_SHORTCUTS, no_autograd=True)
"""The linear layer's backward by hand: its formulas, without autograd."""
GRADIENT_CHECK_EXERCISE = Exercise("gradient_check", ALLOWED_OPS["gradient_check"], frozenset(), no_autograd=True)
"""A numerical gradient: values of the function alone, without autograd."""
CROSS_ENTROPY_EXERCISE = Exercise("cross_entropy", ALLOWED_OPS["cross_entropy"], SOFTMAX_SHORTCUTS)
"""log-softmax and the mean cross-entropy by hand, without torch's softmax family."""
CROSS_ENTROPY_BACKWARD_EXERCISE = Exercise("cross_entropy_backward", ALLOWED_OPS["cross_entropy"], SOFTMAX_SHORTCUTS,
                                           no_autograd=True)
"""The loss's gradient, (softmax − one_hot) / N, from its formula: without autograd."""

EXERCISES = {rule.name: rule for rule in (POOLING_EXERCISE, LEAKY_RELU_EXERCISE, LINEAR_EXERCISE, LINEAR_BACKWARD_EXERCISE,
                                          GRADIENT_CHECK_EXERCISE, CROSS_ENTROPY_EXERCISE, CROSS_ENTROPY_BACKWARD_EXERCISE)}
"""Every rule by its name: what an answer cell's metadata ``course.rules`` names."""


