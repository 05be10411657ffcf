from tests.sync.conftest import device, world  # noqa: F401  (the sync tests' small world and devices)
