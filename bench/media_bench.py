"""Photo pipeline speed: derivative generation and upload throughput. Prints each figure and its ratio.

    python bench/media_bench.py [--runs 11] [--photos 24]

1. Derivatives of a 12-megapixel camera JPEG (4000×3000, quality 90, noise and gradients like a real
   scene): the pipeline (``media.images.process``: one reduced-size decode with ``Image.draft``, display
   and thumbnail, metadata-stripped original) against plain Pillow (full decode, then a LANCZOS resize to
   each size, the same encoder settings). Median of N runs each, interleaved. Target: ≥ 4×. The pipeline
   uses a second core for part of its work (the strip, bands of the display resize), so its CPU time, summed
   over its threads, is printed too: the wall-clock ratio is the target, the CPU ratio shows how much of it
   is less work rather than more cores.
0. Peak memory (issue 10): a 59-megapixel PNG of 173 KB decoded by plain Pillow against the pipeline,
   which refuses it from its header; six 12-megapixel PNGs arriving at once, with and without a decode
   budget that holds two of them (each run in a fresh process, peak RSS above the interpreter's own).
2. Upload throughput over loopback HTTP (the Flask app on a threaded werkzeug server, SQLite): PUT
   /api/photos/<sha256> of distinct camera photos, for local disk and for S3 (moto in server mode).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from media.images import process  # noqa: E402
from media.settings import MediaSettings  # noqa: E402


def camera_jpeg(width: int, height: int, exif: bytes | None = None) -> bytes:
    """Soft detail (upscaled noise), sensor grain (fine noise) and gradients, saved like a camera would."""
    channels = []
    for i in range(3):
        coarse = Image.effect_noise((width // 8, height // 8), 60).resize((width, height), Image.Resampling.BICUBIC)
        fine = Image.effect_noise((width, height), 18 + i)
        grad = Image.linear_gradient("L")
        if i == 1:
            grad = grad.transpose(Image.Transpose.ROTATE_90)
        grad = grad.resize((width, height))
        channels.append(Image.blend(Image.blend(coarse, grad, 0.5), fine, 0.35))
    buf = io.BytesIO()
    Image.merge("RGB", channels).save(buf, "JPEG", quality=90, **({"exif": exif} if exif else {}))
    return buf.getvalue()


def plain_pillow(path: str, settings: MediaSettings, resample: Image.Resampling = Image.Resampling.LANCZOS) -> bytes:
    """What the code would do without the pipeline's tricks: decode everything, then resize to each size.

    Returns the encoded display image, the quality reference the pipeline's output is compared with.
    """
    display = b""
    with Image.open(path) as img:
        img.load()
        for px, quality in ((settings.display_px, 84), (settings.thumb_px, 78)):
            scale = px / max(img.size)
            out = img.resize((round(img.width * scale), round(img.height * scale)), resample)
            buf = io.BytesIO()
            out.save(buf, "JPEG", quality=quality)
            display = display or buf.getvalue()
    return display


def psnr(a: bytes, b: bytes) -> float:
    """Peak signal-to-noise ratio of two encoded images of the same size, in dB (above ~40: indistinguishable)."""
    with Image.open(io.BytesIO(a)) as x, Image.open(io.BytesIO(b)) as y:
        diff = ImageStat.Stat(ImageChops.difference(x.convert("RGB"), y.convert("RGB")))
        mse = sum(diff.sum2) / (3 * x.width * x.height)
    return 99.0 if mse == 0 else 10 * math.log10(255 * 255 / mse)


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall-clock and CPU time (every thread of this process) of one call, in ms."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def bench_derivatives(runs: int) -> None:
    settings = MediaSettings()
    data = camera_jpeg(4000, 3000)
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=False) as fh:
        fh.write(data)
        path = fh.name
    try:
        quality = psnr(process(path, settings).display, plain_pillow(path, settings))  # also warms up
        ours, base, default = [], [], []
        for _ in range(runs):  # interleaved, so background load hits both alike
            ours.append(timed(lambda: process(path, settings)))
            base.append(timed(lambda: plain_pillow(path, settings)))
            default.append(timed(lambda: plain_pillow(path, settings, Image.Resampling.BICUBIC)))
    finally:
        os.unlink(path)
    (o, oc), (b, bc), (d, dc) = (
        tuple(statistics.median(t[i] for t in ts) for i in (0, 1)) for ts in (ours, base, default)
    )
    print(f"derivatives, 12 MP JPEG ({len(data) / 1e6:.1f} MB), median of {runs} (wall clock; CPU time):")
    print(f"  pipeline (draft decode + display + thumb + stripped original): {o:7.1f} ms; {oc:6.1f} ms CPU")
    print(
        f"  plain Pillow (full decode, LANCZOS resize to each size):      {b:7.1f} ms; {bc:6.1f} ms CPU"
        f"  -> {b / o:.2f}x (target 4x); CPU {bc / oc:.2f}x"
    )
    print(
        f"  plain Pillow with its default BICUBIC filter:                 {d:7.1f} ms; {dc:6.1f} ms CPU"
        f"  -> {d / o:.2f}x; CPU {dc / oc:.2f}x"
    )
    print(f"  pipeline display vs LANCZOS reference: PSNR {quality:.1f} dB")


def serve(app: Any) -> tuple[Any, threading.Thread, str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def bench_uploads(photos: list[bytes], backend: str, s3_endpoint: str | None) -> None:
    import requests

    from domain.models import Base, User
    from server.accounts.service import issue_token
    from server.app import create_app
    from server.extensions import db

    tmp = tempfile.mkdtemp(prefix="media-bench-")
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
        "MEDIA_ROOT": f"{tmp}/media",
        "MEDIA_BACKEND": backend,
    }
    if backend == "s3":
        import boto3

        bucket = f"bench-{os.getpid()}"
        boto3.client(
            "s3",
            endpoint_url=s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        ).create_bucket(Bucket=bucket)
        config.update(
            S3_ENDPOINT_URL=s3_endpoint,
            S3_BUCKET=bucket,
            S3_ACCESS_KEY_ID="bench",
            S3_SECRET_ACCESS_KEY="bench",
        )
    app = create_app(config)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        user = User(username="bench", display_name="bench", role="inspector")
        db.session.add(user)
        db.session.commit()
        token = issue_token(db.session, user, timedelta(hours=1), device="bench").token
        db.session.commit()
    server, thread, url = serve(app)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"}
    total = sum(len(p) for p in photos)
    try:
        with requests.Session() as http:
            start = time.perf_counter()
            for data in photos:
                digest = hashlib.sha256(data).hexdigest()
                with http.put(f"{url}/api/photos/{digest}", data=data, headers=headers, timeout=120) as r:
                    assert r.status_code == 201, r.text
            new = time.perf_counter() - start
            start = time.perf_counter()
            for data in photos:  # retries of photos already stored: hash check only
                digest = hashlib.sha256(data).hexdigest()
                with http.put(f"{url}/api/photos/{digest}", data=data, headers=headers, timeout=120) as r:
                    assert r.status_code == 200, r.text
            again = time.perf_counter() - start
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    n = len(photos)
    print(f"uploads to {backend} over loopback HTTP, {n} photos, {total / n / 1e6:.2f} MB each:")
    print(f"  new photos:     {n / new:6.2f} photos/s  {total / new / 1e6:6.2f} MB/s")
    print(f"  retried photos: {n / again:6.2f} photos/s  {total / again / 1e6:6.2f} MB/s (already stored)")


def zero_png(path: str, width: int, height: int) -> None:
    """A PNG of black pixels written row by row (the generator never holds the image): 59 MP in ~173 KB."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(9)
    row = bytes(1 + width * 3)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


MEMORY_PROBE = """
import sys, threading
sys.path.insert(0, {root!r})
from PIL import Image
from media import images
from media.errors import MediaError
from media.settings import MediaSettings
mode, paths, budget = sys.argv[1], sys.argv[2:-1], int(sys.argv[-1])
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # reset the peak (VmHWM) to what the interpreter holds now
base = status("VmRSS")
outcome = "processed"
if mode == "plain":  # what a decode costs without the checks: Pillow opens and loads it
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(paths[0]) as img:
        img.load()
else:
    settings = MediaSettings(decode_budget_bytes=budget)
    def one(path):
        global outcome
        try:  # each on its own thread, as request threads or a worker's threads would
            images.render(path, settings, images.inspect(path, settings))
        except MediaError as exc:
            outcome = "refused " + str(exc.status)
    threads = [threading.Thread(target=one, args=(p,)) for p in paths]
    for t in threads: t.start()
    for t in threads: t.join()
peak = status("VmHWM")
print(f"{{(peak - base) / 1024:.0f}} {{outcome}}")
"""


def peak_memory(mode: str, paths: list[str], budget: int) -> tuple[float, str]:
    """Peak memory (MB above the interpreter's own) of a fresh process decoding ``paths`` at once."""
    import subprocess

    code = MEMORY_PROBE.format(root=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run(
        [sys.executable, "-c", code, mode, *paths, str(budget)], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    return float(out[0]), out[1].strip()


def bench_memory() -> None:
    """Peak memory of hostile and of concurrent uploads (issue 10)."""
    with tempfile.TemporaryDirectory() as tmp:
        bomb = f"{tmp}/bomb.png"
        zero_png(bomb, 7_700, 7_700)
        plain, _ = peak_memory("plain", [bomb], 0)
        checked, outcome = peak_memory("checked", [bomb], 512 * 1024 * 1024)
        print(f"59 MP PNG of {os.path.getsize(bomb) / 1000:.0f} KB: plain Pillow decode peaks at {plain:.0f} MB;")
        print(f"  the pipeline: {outcome} from its header, peak {checked:.0f} MB  (ratio {checked / plain:.3f})")
        photos = []
        for i in range(6):
            path = f"{tmp}/big{i}.png"
            img = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB").rotate(i)
            img.save(path, compress_level=1)
            photos.append(path)
        per = 4000 * 3000 * 3 * 2
        unbounded, _ = peak_memory("checked", photos, 64 * per)
        bounded, _ = peak_memory("checked", photos, 2 * per + 1)
        print(f"6 PNGs of 12 MP arriving at once ({per / 2**20:.0f} MB of decode each):")
        print(
            f"  no budget to speak of: peak {unbounded:.0f} MB; budget of 2 decodes"
            f" ({(2 * per) / 2**20:.0f} MB): peak {bounded:.0f} MB  (ratio {bounded / unbounded:.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--skip-uploads", action="store_true")
    parser.add_argument("--only-memory", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # no per-request log lines in the figures
    bench_memory()
    if args.only_memory:
        return
    bench_derivatives(args.runs)
    if args.skip_uploads:
        return
    # Phone photos as the PWA sends them: 12 MP from the camera is resized on the device to ~3 MP.
    photos = [camera_jpeg(2048, 1536) for _ in range(args.photos)]
    bench_uploads(photos, "local", None)
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    with tempfile.TemporaryDirectory():
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto.start()
        try:
            bench_uploads(photos, "s3", f"http://127.0.0.1:{port}")
        finally:
            moto.stop()


if __name__ == "__main__":
    main()
