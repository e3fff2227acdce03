"""The answer cell imports a module that does not exist before defining anything."""
PREPEND = {"leaky_relu_answer": "import a_module_that_does_not_exist\n"}
