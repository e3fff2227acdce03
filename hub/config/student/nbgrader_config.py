"""nbgrader for a student on the hub (JupyterHub puts this folder on JUPYTER_CONFIG_PATH).

The Assignments tab and `nbgrader fetch_assignment/submit/fetch_feedback` in a terminal use the
course's exchange; submissions are made private to the student and the instructor (hub/exchange.py).
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

from hub import COURSE_ID
from hub.exchange import PrivateSubmit

c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ["COURSE_HUB_EXCHANGE"]
c.ExchangeFactory.submit = PrivateSubmit
