"""The merge engine and sync protocol: plain Python over SQLAlchemy, no Flask.

- ``hlc``: hybrid logical clocks (the order of concurrent writes)
- ``rules``: the defect state machine and who may do what
- ``mutations``: the shapes of the mutations a device pushes
- ``push``: applying a batch exactly once; ``merge`` and ``status`` the per-defect rules
- ``feed``: the gapless change feed; ``pull``: reading it back in a user's scope
- ``conflicts``: listing and resolving what could not be merged

The protocol is described in docs/sync-protocol.md.
"""
