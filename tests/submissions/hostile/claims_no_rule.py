"""Calls torch's own leaky_relu, and rewrites its answer cells' metadata to say their functions have
no rule (`course.rules`: null, as `lenet5_for` has): the grader reads the rules from source/ only,
so the call is blocked as for calls_torch."""
REPLACE = {"leaky_relu_answer": [(
    "result = torch.where(input > 0, input, input * negative_slope)\n    if inplace:\n        return input.copy_(result)\n    return result",
    "return torch.nn.functional.leaky_relu(input, negative_slope, inplace)",
)]}


def prepare(folder, notebook_path, root):
    import json
    data = json.loads(notebook_path.read_text())
    for cell in data["cells"]:
        rules = cell["metadata"].get("course", {}).get("rules")
        if rules:
            cell["metadata"]["course"]["rules"] = {name: None for name in rules}
    notebook_path.write_text(json.dumps(data))
