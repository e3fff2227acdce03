"""nbgrader for the instructor on the hub (JupyterHub puts this folder on JUPYTER_CONFIG_PATH).

The formgrader reads only the config on this path and in the server's root (the home), so this
loads the course's own nbgrader_config.py from ~/cnn-layers (course id, folders, gradebook and,
appended by hub/deploy.py, the hub's exchange).
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

from hub import COURSE_FOLDER

load_subconfig(os.path.join(os.path.expanduser("~"), COURSE_FOLDER, "nbgrader_config.py"))  # noqa: F821
