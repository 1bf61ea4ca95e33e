"""Starts Ralph (PyPI `ralph-malph`), a real xAPI learning record store, on 127.0.0.1 for
Pathforge's tests, with its filesystem backend and one Basic-auth user; nothing of Python
ships in Pathforge. `.ci/setup` installs Ralph into target/ralph-venv.

    serve_ralph.py --port P --dir D --user U --password W

Statements are stored in D/fs_lrs.jsonl (one JSON statement per line), which the tests
read to see what the LRS itself recorded.

One setting differs from `ralph runserver -b fs`: Ralph 5.1's filesystem LRS backend
writes with its data backend's default operation, `create`, which refuses a file that
exists, so every POST after the first fails with HTTP 500 ("Statements bulk indexation
failed"). Its data backend documents `append` for adding records to a file; the LRS
backend is set to use it. Everything else — authentication, xAPI validation, conflicts,
queries, paging — is Ralph's own code, unchanged.
"""

import argparse
import json
import os
import pathlib

args = argparse.ArgumentParser()
args.add_argument("--port", type=int, required=True)
args.add_argument("--dir", required=True)
args.add_argument("--user", required=True)
args.add_argument("--password", required=True)
args = args.parse_args()

home = pathlib.Path(args.dir)
home.mkdir(parents=True, exist_ok=True)

import bcrypt  # noqa: E402 (installed with ralph-malph[lrs])

auth = home / "auth.json"
auth.write_text(
    json.dumps(
        [
            {
                "agent": {
                    "objectType": "Agent",
                    "account": {"name": args.user, "homePage": "https://pathforge.invalid/tests"},
                },
                "scopes": ["all"],
                "hash": bcrypt.hashpw(args.password.encode(), bcrypt.gensalt(4)).decode(),
                "username": args.user,
            }
        ]
    )
)
os.environ.update(
    {
        "RALPH_APP_DIR": str(home / "app"),
        "RALPH_AUTH_FILE": str(auth),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(home),
    }
)

from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn  # noqa: E402

uvicorn.run("ralph.api:app", host="127.0.0.1", port=args.port, log_level="warning")
