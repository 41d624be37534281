"""``python -m geo user hash NAME``: make the secrets.toml lines for an editor account.

The password is read with getpass (asked twice) or, when stdin is not a terminal,
from the first line of stdin; it never appears on the command line or in the output.
"""
from __future__ import annotations

import getpass
import sys

from geo.auth import ROLES, AuthError, hash_password, load_accounts, secrets_snippet
from geo.cli import CliError


def configure(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    h = sub.add_parser("hash", help="hash a password; prints a [auth.users.NAME] block for .streamlit/secrets.toml")
    h.add_argument("name", help="the editor's sign-in name (letters, digits, - or _)")
    h.add_argument("--role", default="editor", choices=ROLES)
    sub.add_parser("list", help="list the configured accounts (names and roles, never hashes)")


def _read_password() -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("password: ")
    second = getpass.getpass("again: ")
    if first != second:
        raise CliError("the two passwords differ; run the command again")
    return first


def run(args) -> int:
    try:
        if args.action == "list":
            accounts = load_accounts()
            if not accounts:
                print("no accounts configured: everybody is a viewer. Add one with python -m geo user hash NAME")
            for acc in accounts.values():
                print(f"{acc.name}\t{acc.role}")
            return 0
        secrets_snippet(args.name, "$2b$" + "x" * 56, args.role)  # check the name before asking for a password
        password = _read_password()
        snippet = secrets_snippet(args.name, hash_password(password), args.role)
    except AuthError as exc:
        raise CliError(str(exc)) from None
    print("# add to .streamlit/secrets.toml (never commit that file):")
    print(snippet, end="")
    return 0
