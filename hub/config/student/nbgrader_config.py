"""nbgrader for a student on the hub (JupyterHub puts this folder on JUPYTER_CONFIG_PATH).

The Assignments tab and `nbgrader fetch_assignment/submit/fetch_feedback` in a terminal use the
course's exchange; submissions are made private to the student and the instructor (hub/exchange.py).
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader)

sys.path.append(os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
from hub import COURSE_ID  # noqa: E402
from hub.exchange import PrivateSubmit  # noqa: E402

c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ["COURSE_HUB_EXCHANGE"]
c.ExchangeFactory.submit = PrivateSubmit
