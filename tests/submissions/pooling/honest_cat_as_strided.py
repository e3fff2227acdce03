"""Honest: the padding put around the input with torch.cat (blocks of ``fill``), the windows taken
with as_strided, the backward by hand with index_put_(accumulate=True): full marks."""
REPLACE = {
    "pool_windows_answer": [
        ("padded = F.pad(input, (pad[1], pad[1] + extra[1], pad[0], pad[0] + extra[0]), value=fill)",
         "n, c, h, w = input.shape\n"
         "    def block(rows, cols):\n"
         "        return torch.full((n, c, rows, cols), fill, dtype=input.dtype, device=input.device)\n"
         "    wide = torch.cat([block(h, pad[1]), input, block(h, pad[1] + extra[1])], dim=3)\n"
         "    padded = torch.cat([block(pad[0], wide.shape[3]), wide, block(pad[0] + extra[0], wide.shape[3])], dim=2)"),
        ("windows = padded.unfold(2, spans[0], step[0]).unfold(3, spans[1], step[1])\n"
         "    windows = windows[:, :, :out[0], :out[1], ::dil[0], ::dil[1]]",
         "sn, sc, sh, sw = padded.stride()\n"
         "    windows = padded.as_strided((n, c, out[0], out[1], kernel[0], kernel[1]),\n"
         "                                (sn, sc, sh * step[0], sw * step[1], sh * dil[0], sw * dil[1]))"),
    ],
    "max_pool2d_backward_answer": [(
        "grad.scatter_add_(-1, indices.flatten(-2), grad_output.flatten(-2))",
        "planes = torch.arange(grad.shape[:-1].numel(), device=grad.device).reshape(*grad.shape[:-1], 1)\n"
        "    flat = (planes * grad.shape[-1] + indices.flatten(-2)).reshape(-1)\n"
        "    grad.view(-1).index_put_((flat,), grad_output.reshape(-1), accumulate=True)",
    )],
}
