"""LeNet-5 models: shapes layer by layer, parameter counts, and the layer table."""

import pytest
import torch
from torch import nn

from course.models import count_parameters, format_layer_table, layer_table, lenet5, lenet5_modern, xavier_init

D2L_SHAPES = [(6, 28, 28), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 10, 10), (16, 5, 5),
              (400,), (120,), (120,), (84,), (84,), (10,)]


def test_d2l_lenet_shapes_and_parameters():
    net = lenet5()
    assert isinstance(net, nn.Sequential) and len(net) == 12
    assert [shape[1:] for _, shape, _ in layer_table(net, (2, 1, 28, 28))] == D2L_SHAPES
    # 6·(25+1) + 16·(6·25+1) + 400·120+120 + 120·84+84 + 84·10+10
    assert count_parameters(net) == 156 + 2416 + 48120 + 10164 + 850 == 61706
    assert sum(isinstance(m, nn.Sigmoid) for m in net) == 4 and sum(isinstance(m, nn.AvgPool2d) for m in net) == 2


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
@pytest.mark.parametrize("batch_norm,dropout", [(True, 0.0), (False, 0.3)])
def test_modern_variants_keep_the_shapes(activation, batch_norm, dropout):
    net = lenet5_modern(activation, batch_norm=batch_norm, dropout=dropout)
    assert net(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert sum(isinstance(m, nn.MaxPool2d) for m in net) == 2
    assert any(isinstance(m, nn.BatchNorm2d) for m in net) == batch_norm
    assert any(isinstance(m, nn.Dropout) for m in net) == (dropout > 0)
    assert count_parameters(net) == 61706 + (12 + 32 + 240 + 168 if batch_norm else 0)


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="activation must be one of"):
        lenet5_modern("swish")


def test_layer_table_leaves_the_model_alone():
    net = lenet5_modern().train()
    before = [p.clone() for p in net.parameters()]
    text = format_layer_table(net)
    assert net.training and all(torch.equal(a, b) for a, b in zip(before, net.parameters()))
    assert "62,158" in text and "(1, 16, 5, 5)" in text


def test_xavier_init_changes_every_weight_and_is_seeded():
    torch.manual_seed(0)
    a = xavier_init(lenet5())
    torch.manual_seed(0)
    b = xavier_init(lenet5())
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    bound = (6 / (400 + 120)) ** 0.5
    assert a[7].weight.abs().max() <= bound


def test_features_with_a_flatten_or_a_global_average_pooling_head():
    from course.models import lenet5_features_with_head
    x = torch.zeros(2, 1, 28, 28)
    flatten, gap = lenet5_features_with_head("flatten"), lenet5_features_with_head("gap")
    assert flatten(x).shape == gap(x).shape == (2, 10)
    features = count_parameters(nn.Sequential(*list(flatten)[:8]))
    assert count_parameters(flatten) - features == 400 * 10 + 10
    assert count_parameters(gap) - features == 16 * 10 + 10
    with pytest.raises(ValueError, match="head must be one of"):
        lenet5_features_with_head("dense")
