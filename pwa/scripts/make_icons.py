"""Draw the app icons (a house with a check mark) with Pillow. Run once; the PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
GREEN = (27, 94, 32, 255)
WHITE = (255, 255, 255, 255)


def icon(size: int, padding: float) -> Image.Image:
    img = Image.new("RGBA", (size, size), GREEN)
    d = ImageDraw.Draw(img)
    s = size * (1 - 2 * padding)
    o = size * padding

    def p(x: float, y: float) -> tuple[float, float]:
        return (o + x * s, o + y * s)

    w = max(2, round(size * 0.05))
    d.polygon([p(0.5, 0.12), p(0.9, 0.45), p(0.1, 0.45)], fill=WHITE)
    d.rectangle([p(0.2, 0.45), p(0.8, 0.88)], fill=WHITE)
    d.line([p(0.32, 0.66), p(0.46, 0.78), p(0.7, 0.54)], fill=GREEN, width=w, joint="curve")
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(192, 0.08).save(OUT / "icon-192.png", optimize=True)
    icon(512, 0.08).save(OUT / "icon-512.png", optimize=True)
    icon(512, 0.2).save(OUT / "icon-maskable-512.png", optimize=True)
    icon(180, 0.08).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
