# The control for hostile.py: a correct submission whose markdown answer uses everything a student
# may honestly write, which must still render for the instructor: headings, emphasis, a list, code,
# a table, LaTeX, a plain link, an embedded PNG (a data URI and an attachment) and a PNG output.
PNG = ("iVBORw0KGgoAAAANSUhEUgAAABQAAAAPCAYAAADkmO9VAAAAOnRFWHRTb2Z0d2FyZQBNYXRwbG90bGliIHZlcnNpb24zLjExLjIsIGh0"
       "dHBzOi8vbWF0cGxvdGxpYi5vcmcvgI3uAAAAAAlwSFlzAAAHsQAAB7EBBsVhhgAAAB5JREFUeJxjlC/f8p+BioCJmoaNGjhq4KiBowbi"
       "BAAd5wJnQigmygAAAABJRU5ErkJggg==")

CELLS = [
    {"cell_type": "markdown", "id": "added-0", "metadata": {}, "attachments": {"blue.png": {"image/png": PNG}},
     "source": "\n".join([
         "## Honest answer heading",
         "",
         "My *reasoning*, in **bold**, with `code` and a list:",
         "",
         "- LeakyReLU keeps a small slope for $x < 0$",
         "- so the gradient is $x^2$-free and never zero",
         "",
         "| activation | slope below 0 |",
         "|---|---|",
         "| ReLU | 0 |",
         "| LeakyReLU | 0.01 |",
         "",
         "$$\\frac{d}{dx} \\mathrm{LeakyReLU}(x) = 0.01$$",
         "",
         "See [the torch docs](https://pytorch.org/docs/stable/generated/torch.nn.LeakyReLU.html).",
         "",
         f'Embedded: <img alt="data-uri-png" src="data:image/png;base64,{PNG}"> and '
         "![attachment-png](attachment:blue.png)",
     ])},
    {"cell_type": "code", "id": "added-1", "metadata": {}, "execution_count": 7, "source": "# (a figure stored in the notebook)",
     "outputs": [{"output_type": "display_data", "metadata": {},
                  "data": {"image/png": PNG, "text/plain": "<Figure size 20x15 with 0 Axes>"}}]},
]
