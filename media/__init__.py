"""Photo storage and processing: plain Python over Pillow, boto3 and SQLAlchemy, never Flask.

- ``settings``: limits and sizes, read from a plain mapping (the Flask config or anything else)
- ``storage`` / ``s3``: one small blob interface with a local-disk and an S3 implementation
- ``images``: sniffing, validation, orientation, derivatives; ``jpegmeta``: lossless metadata stripping
- ``ingest`` / ``uploads``: storing a verified photo once, and resumable uploads; ``gc``: clean-up
- ``annotate``: vector mark-up and its flattened rendering; ``signing``: short-lived signed URLs
"""
