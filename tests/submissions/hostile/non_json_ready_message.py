"""A correct answer that then rewrites its own process's error reporting so that the ready message
carries tensors where the grader expects text, and raises: the grader keeps only clean text."""
APPEND = {"leaky_relu_answer": '''
import gc, types
run_cells = next(o for o in gc.get_objects() if isinstance(o, types.FunctionType) and o.__name__ == "run_cells")
run_cells.__globals__["describe"] = lambda exc: {"cell": torch.zeros(3), "type": torch.ones(2),
                                                 "message": {"nested": torch.zeros(1)}, "builtin": torch.zeros(1)}
raise RuntimeError("after the answer")
'''}
