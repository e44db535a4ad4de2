"""python -m analytics.jobs <job folder>: the child process of one job (analytics.jobs.runner)."""

import sys

from analytics.data.store import private_umask
from analytics.jobs.runner import run

if __name__ == "__main__":
    private_umask()
    sys.exit(run(sys.argv[1]))
