"""JupyterHub for the course, on one server: PAM logins, each person's JupyterLab as their own account.

Started by ``./kit hub`` (``python -m hub``), which sets the COURSE_HUB_* variables this file
reads (see hub/__init__.py), from the system copy (hub/install.py): JupyterHub, this file, the
roles' config and every person's JupyterLab come from /opt/cnn-layers, root's and readable by all,
never from the repository (which holds the solutions and may be private). Everything listens on 127.0.0.1 only: put a TLS reverse proxy (nginx,
Caddy) in front to open it to a class.

Roles: the instructor's JupyterLab loads config/instructor/ (formgrader, course list, create
assignment; nbgrader runs on ~/cnn-layers); each student's loads config/student/ (Assignments tab
and Validate only, submissions private). Both get the course's exchange through COURSE_HUB_EXCHANGE.
"""

from pathlib import Path

from hub import Settings

HUB_DIR = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 (provided by JupyterHub)
settings = Settings.from_env()

# -- network: loopback only ---------------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [settings.proxy]
c.ConfigurableHTTPProxy.pid_file = str(settings.state / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{settings.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.state / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True          # stopping the hub stops everyone's JupyterLab
c.JupyterHub.cleanup_proxy = True

# -- who may log in: real passwords (PAM, /etc/shadow), only the course's accounts ---------------
# An institution's login instead: pip install oauthenticator (or ldapauthenticator) and set e.g.
#   c.JupyterHub.authenticator_class = "generic-oauth"   # + its client id, secret and URLs
# keeping allowed_users (or an allowed group) and the local accounts of the same names.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(settings.students) | {settings.instructor}
c.Authenticator.admin_users = set()           # nobody may open another person's server

# -- each person's JupyterLab: their account, their home, the course's environment -------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(settings.venv / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "PATH": f"{settings.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "VIRTUAL_ENV": str(settings.venv),
    "COURSE_HUB_EXCHANGE": str(settings.exchange),
    "COURSE_DATA_DIR": str(settings.data),
}


def _role(spawner):
    """The instructor gets the formgrader; everybody else is a student."""
    role = "instructor" if spawner.user.name == settings.instructor else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = str(HUB_DIR / "config" / role)


c.Spawner.pre_spawn_hook = _role
