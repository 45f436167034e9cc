"""The cross-app tests here (hostile input, the fuzz test) use the same world and logins as the apps' own tests."""

from liaison.conftest import client_for, fast_password_hashing, japanese_first, world  # noqa: F401
