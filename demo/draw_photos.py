"""Draw the demo stories' photos with Pillow: `.venv/bin/python demo/draw_photos.py` writes demo/photos/*.jpg.

Our own pictures, made by this code (shapes, gradients and a little blur), so the demo carries no one
else's photo. The files are committed; run this again only to change a picture. The same seed draws
the same picture. demo/photos.json gives each file its words; `manage.py import_photos` loads them.
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

FOLDER = Path(__file__).resolve().parent / "photos"
QUALITY = 80


def vertical_gradient(size, top, bottom):
    """An RGB image of `size` fading from the colour `top` to `bottom`."""
    ramp = Image.linear_gradient("L").resize(size)
    return ImageOps.colorize(ramp, top, bottom).convert("RGB")


def glow(image, shapes, radius):
    """Draw `shapes` ((kind, box, RGBA colour)) blurred by `radius` over `image`: lights, lamps, a screen's halo."""
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for kind, box, colour in shapes:
        getattr(draw, kind)(box, fill=colour)
    layer = layer.filter(ImageFilter.GaussianBlur(radius))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def skyline(draw, rng, width, base, heights, colour, windows=None):
    """Blocks of buildings standing on y=`base`, `heights` (low, high) px tall, with lit windows."""
    x = -20
    while x < width:
        block_width = rng.randint(40, 120)
        top = base - rng.randint(*heights)
        draw.rectangle([x, top, x + block_width, base], fill=colour)
        if windows:
            for wy in range(top + 10, base - 10, 18):
                for wx in range(x + 8, x + block_width - 8, 14):
                    if rng.random() < 0.35:
                        draw.rectangle([wx, wy, wx + 6, wy + 9], fill=windows)
        x += block_width + rng.randint(0, 12)


def night_market(rng):
    """Yeouido: a night market of stalls and lanterns on the river bank, the towers across the water."""
    width, height = 1600, 1067
    image = vertical_gradient((width, height), "#0b1030", "#3a2a5c")
    draw = ImageDraw.Draw(image)
    skyline(draw, rng, width, 560, (120, 330), "#141a33", windows="#e8c872")
    draw.rectangle([0, 560, width, 700], fill="#1b2d4f")
    for y in range(565, 700, 9):
        for _ in range(10):
            x = rng.randint(0, width)
            draw.line([x, y, x + rng.randint(20, 70), y], fill="#c9a85a", width=2)
    draw.rectangle([0, 700, width, height], fill="#24202a")
    lights = []
    for number in range(7):
        left = 40 + number * 225
        roof = ["#c0392b", "#e67e22", "#d35400", "#b03a2e"][number % 4]
        draw.polygon([(left, 800), (left + 100, 730), (left + 200, 800)], fill=roof)
        draw.rectangle([left + 15, 800, left + 185, 960], fill="#3b2f2f")
        draw.rectangle([left + 25, 820, left + 175, 900], fill="#f5d58a")
        lights.append(("rectangle", [left + 25, 820, left + 175, 900], (255, 214, 120, 150)))
    for x in range(0, width, 80):
        sag = 640 + int(25 * ((x % 400) / 400))
        draw.ellipse([x + 28, sag, x + 52, sag + 30], fill="#ff6f3c")
        lights.append(("ellipse", [x + 18, sag - 10, x + 62, sag + 40], (255, 120, 60, 170)))
    for _ in range(40):
        x, y = rng.randint(0, width), rng.randint(930, 1050)
        draw.ellipse([x, y - 40, x + 26, y - 14], fill="#141018")
        draw.rectangle([x - 4, y - 14, x + 30, y + 40], fill="#141018")
    return glow(image, lights, 18)


def library(rng):
    """Mapo: a reading room late at night, shelves of books and desk lamps."""
    width, height = 1200, 800
    image = vertical_gradient((width, height), "#5b4636", "#2e231c")
    draw = ImageDraw.Draw(image)
    book_colours = ["#8e3b2f", "#2f5d62", "#c49a45", "#4a4e69", "#6b8f71", "#a0522d", "#d9c5a0"]
    for shelf_top in range(60, 420, 90):
        draw.rectangle([0, shelf_top + 78, width, shelf_top + 88], fill="#3a2a1f")
        x = 10
        while x < width - 10:
            book = rng.randint(12, 26)
            top = shelf_top + rng.randint(0, 22)
            draw.rectangle([x, top, x + book, shelf_top + 78], fill=rng.choice(book_colours))
            x += book + rng.randint(1, 3)
    draw.rectangle([0, 470, width, height], fill="#6d4c33")
    lights = []
    for left in (120, 520, 920):
        draw.rectangle([left - 60, 560, left + 220, 590], fill="#a47148")
        draw.rectangle([left - 50, 590, left - 35, 760], fill="#4a3322")
        draw.rectangle([left + 195, 590, left + 210, 760], fill="#4a3322")
        draw.line([left + 80, 560, left + 80, 470], fill="#2b2b2b", width=6)
        draw.polygon([(left + 40, 470), (left + 120, 470), (left + 100, 430), (left + 60, 430)], fill="#2e6b3f")
        lights.append(("ellipse", [left - 10, 450, left + 170, 600], (255, 225, 150, 140)))
        draw.rectangle([left + 10, 548, left + 70, 560], fill="#f1e9d2")
    return glow(image, lights, 30)


def line_nine(rng):
    """Line 9: a map-like drawing of a metro line, its stations, and the quiet cars marked in green."""
    width, height = 1600, 900
    image = vertical_gradient((width, height), "#f4f1e8", "#e3ddcc")
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randint(-200, width), rng.randint(-100, height)
        draw.ellipse([x, y, x + rng.randint(200, 500), y + rng.randint(120, 300)], fill="#d8e4d0")
    draw.line([0, 620, width, 540], fill="#9cc3e6", width=70)
    points = [(60, 380), (300, 420), (520, 330), (760, 360), (980, 280), (1220, 320), (1540, 240)]
    draw.line(points, fill="#bdb76b", width=26, joint="curve")
    draw.line([(400, 120), (560, 330), (640, 700), (700, 860)], fill="#3b7dd8", width=18, joint="curve")
    draw.line([(1100, 880), (980, 280), (900, 40)], fill="#2e9e5b", width=18, joint="curve")
    for x, y in points:
        draw.ellipse([x - 22, y - 22, x + 22, y + 22], fill="#ffffff", outline="#4b4b4b", width=6)
    for car in range(6):
        left = 250 + car * 190
        fill = "#2e9e5b" if car in (2, 3) else "#8d8d8d"
        draw.rounded_rectangle([left, 700, left + 175, 780], radius=18, fill=fill)
        for window in range(4):
            draw.rectangle([left + 14 + window * 40, 715, left + 44 + window * 40, 745], fill="#e9f1f7")
    return image.filter(ImageFilter.GaussianBlur(0.8))


def harbour(rng):
    """Tallinn: the old town's spires over the harbour at dawn, a ferry at the quay."""
    width, height = 2000, 1125
    image = vertical_gradient((width, 700), "#f6b26b", "#6fa8dc").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    canvas = Image.new("RGB", (width, height))
    canvas.paste(image, (0, 0))
    canvas.paste(vertical_gradient((width, height - 700), "#3d6e8f", "#1c3550"), (0, 700))
    draw = ImageDraw.Draw(canvas)
    lights = [("ellipse", [1350, 380, 1650, 680], (255, 230, 170, 200))]
    skyline(draw, rng, width, 700, (60, 170), "#3b3a4a")
    for x, spire in ((380, 330), (760, 260), (1110, 300), (1480, 360)):
        draw.rectangle([x - 30, 700 - spire + 120, x + 30, 700], fill="#2f2e3c")
        draw.polygon([(x - 40, 700 - spire + 120), (x, 700 - spire - 60), (x + 40, 700 - spire + 120)], fill="#263d3a")
    for y in range(705, height, 11):
        for _ in range(14):
            x = rng.randint(0, width)
            draw.line([x, y, x + rng.randint(30, 110), y], fill="#9fc5e8", width=2)
    draw.polygon([(200, 860), (1100, 860), (1040, 960), (260, 960)], fill="#f3f3f3")
    draw.rectangle([420, 780, 900, 860], fill="#ffffff")
    draw.rectangle([560, 730, 760, 780], fill="#e06666")
    for window in range(10):
        draw.rectangle([440 + window * 45, 800, 470 + window * 45, 820], fill="#2b4a6b")
    for x in (1500, 1700):
        draw.line([x, 720, x, 420], fill="#cc4125", width=14)
        draw.line([x - 140, 440, x + 60, 440], fill="#cc4125", width=12)
    return glow(canvas, lights, 60)


def film_night(rng):
    """The film night: an open-air screen on the river bank at dusk, the audience on picnic blankets."""
    width, height = 1600, 900
    image = vertical_gradient((width, height), "#1f2a55", "#e07b53")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 560, width, 640], fill="#27466b")
    draw.rectangle([0, 640, width, height], fill="#1e2b1e")
    for x in range(0, width, 140):
        draw.ellipse([x - 40, 430 + rng.randint(-30, 30), x + 120, 600], fill="#17251a")
    screen = [460, 180, 1140, 560]
    draw.rectangle([screen[0] - 16, screen[1] - 16, screen[2] + 16, screen[3] + 16], fill="#101010")
    film = Image.new("RGB", (screen[2] - screen[0], screen[3] - screen[1]), "#bfe3f2")
    scene = ImageDraw.Draw(film)
    scene.ellipse([-60, 240, 740, 560], fill="#7fbf5f")
    scene.ellipse([440, 40, 540, 140], fill="#ffe680")
    scene.ellipse([240, 150, 400, 300], fill="#d9d2c5")
    scene.ellipse([275, 110, 305, 170], fill="#d9d2c5")
    scene.ellipse([335, 110, 365, 170], fill="#d9d2c5")
    image.paste(film, screen[:2])
    draw.rectangle([0, 700, width, height], fill="#2c3a2c")
    lights = [("rectangle", screen, (200, 235, 255, 120))]
    for row, y in enumerate(range(720, 900, 60)):
        for x in range(-20 + row * 30, width, 90):
            draw.rectangle([x, y + 20, x + 80, y + 40], fill=rng.choice(["#a33", "#36a", "#c93", "#585"]))
            draw.ellipse([x + 25, y - 20, x + 55, y + 10], fill="#0d0d12")
            draw.rectangle([x + 20, y + 6, x + 60, y + 30], fill="#0d0d12")
    return glow(image, lights, 40)


PICTURES = {
    "night-market.jpg": night_market,
    "library-reading-room.jpg": library,
    "line-9-map.jpg": line_nine,
    "tallinn-harbour.jpg": harbour,
    "film-night.jpg": film_night,
}


def main():
    FOLDER.mkdir(exist_ok=True)
    for number, (name, draw) in enumerate(PICTURES.items()):
        picture = draw(random.Random(number))
        path = FOLDER / name
        picture.save(path, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        size = path.stat().st_size
        print(f"{path.relative_to(FOLDER.parent.parent)}: {picture.width} × {picture.height}, {size:,} bytes")


if __name__ == "__main__":
    main()
