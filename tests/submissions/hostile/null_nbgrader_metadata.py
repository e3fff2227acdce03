"""A correct answer in a notebook whose cells carry malformed metadata: `"nbgrader": null` on a
markdown cell, a list on another, and a code cell whose metadata is a string."""


def prepare(folder, notebook_path, root):
    import json
    data = json.loads(notebook_path.read_text())
    markdown = [c for c in data["cells"] if c["cell_type"] == "markdown"]
    markdown[0]["metadata"]["nbgrader"] = None
    markdown[1]["metadata"]["nbgrader"] = ["grade", "points"]
    data["cells"].append({"cell_type": "code", "id": "added-bad-metadata", "metadata": "not a dict",
                          "source": "x = 1", "outputs": [], "execution_count": None})
    notebook_path.write_text(json.dumps(data))
