"""Deterministic, photo-like test media made with the vips and ffmpeg command-line tools.

Used by scripts/make-sample-assets and scripts/bench. Flat colour would make JPEG decoding and
encoding unrealistically cheap, so every image carries detail at three scales: seeded Perlin
noise for large colour masses, seeded Worley noise for mid-size texture edges, and seeded
Gaussian grain per pixel. All three generators take a seed, so the same arguments give the same
pixels on every run (vips fractsurf and unseeded gaussnoise do not, and are not used).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def run(*args: object) -> None:
    """Runs a command, raising with its stderr when it fails."""
    argv = [str(a) for a in args]
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}\n{result.stderr.strip()}")


def vips(*args: object) -> None:
    # The vips CLI reads "-0.4" as an option; a leading space keeps it a number.
    run("vips", *(f" {a}" if isinstance(a, (int, float)) and a < 0 else a for a in args))


class ScratchDirectory:
    """A temporary directory for vips intermediates (.v files), removed on exit."""

    def __init__(self, parent: Path | None = None):
        self.path = Path(tempfile.mkdtemp(prefix="stockroom-media-", dir=parent))

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def render_scene(out: Path, width: int, height: int, seed: int, caption: str | None = None,
                 palette: tuple[tuple[float, float, float], tuple[float, float, float]] | None = None,
                 scratch_parent: Path | None = None) -> None:
    """Writes a 3-band 8-bit sRGB scene (any vips format, e.g. a .v file or a .png).

    palette is (scale, offset) per band applied to Perlin noise in [-1, 1]; the default gives
    earthy greens and browns under a lighter top, like a landscape.
    """
    scale, offset = palette or ((85.0, 80.0, 75.0), (110.0, 118.0, 92.0))
    # Above ~4 MP the scene is built at half size and enlarged at the end: four times less data
    # through the float intermediates, while per-pixel grain (add_grain_and_save) keeps the finest
    # detail at full resolution.
    final_width, final_height = width, height
    if width * height > 4_000_000:
        width, height = width // 2, height // 2
    with ScratchDirectory(scratch_parent) as tmp:
        # Large colour masses: Perlin noise at 1/8 size, smoothly enlarged.
        small_w, small_h = max(width // 8, 8), max(height // 8, 8)
        cell = max(min(small_w, small_h) // 3, 4)
        bands = []
        for band in range(3):
            band_path = tmp / f"perlin{band}.v"
            vips("perlin", band_path, small_w, small_h, "--cell-size", cell, "--seed", seed * 7 + band)
            bands.append(str(band_path))
        vips("bandjoin", " ".join(bands), tmp / "colour_small.v")
        vips("linear", tmp / "colour_small.v", tmp / "colour_small_u8.v",
             " ".join(map(str, scale)), " ".join(map(str, offset)), "--uchar")
        # A vertical light gradient, brighter towards the top, like sky over ground.
        vips("xyz", tmp / "xy.v", small_w, small_h)
        vips("extract_band", tmp / "xy.v", tmp / "y.v", 1)
        vips("linear", tmp / "y.v", tmp / "light.v", -90.0 / small_h, 55.0)
        vips("add", tmp / "colour_small_u8.v", tmp / "light.v", tmp / "lit_small.v")
        vips("cast", tmp / "lit_small.v", tmp / "lit_small_u8.v", "uchar")
        vips("resize", tmp / "lit_small_u8.v", tmp / "colour.v", width / small_w,
             "--vscale", height / small_h)
        # Mid-size texture with hard cell edges (stones, leaves): Worley noise at half size.
        half_w, half_h = max(width // 2, 2), max(height // 2, 2)
        vips("worley", tmp / "worley.v", half_w, half_h, "--cell-size", 20, "--seed", seed * 7 + 5)
        vips("linear", tmp / "worley.v", tmp / "worley_u8.v", 12.0, 0.0, "--uchar")
        vips("resize", tmp / "worley_u8.v", tmp / "texture_u8.v", width / half_w, "--vscale", height / half_h)
        vips("linear", tmp / "texture_u8.v", tmp / "texture.v", 0.35 / 255.0, 0.72)
        vips("multiply", tmp / "colour.v", tmp / "texture.v", tmp / "scene.v")
        scene = tmp / "scene.v"
        if caption:
            # White caption text, lower left, with a soft dark shadow so it reads on any colour.
            dpi = max(int(width / 8), 72)
            vips("text", tmp / "text.v", caption, "--dpi", dpi, "--font", "sans bold 20")
            margin = width // 30
            vips("embed", tmp / "text.v", tmp / "mask.v", margin, height - margin - height // 10, width, height)
            vips("gaussblur", tmp / "mask.v", tmp / "shadow.v", max(width / 400, 1.5))
            vips("linear", tmp / "shadow.v", tmp / "shadow_neg.v", -0.7, 0.0)
            vips("add", scene, tmp / "shadow_neg.v", tmp / "shadowed.v")
            vips("add", tmp / "shadowed.v", tmp / "mask.v", tmp / "captioned.v")
            scene = tmp / "captioned.v"
        if (width, height) == (final_width, final_height):
            vips("cast", scene, out, "uchar")
        else:
            vips("cast", scene, tmp / "scene_u8.v", "uchar")
            vips("resize", tmp / "scene_u8.v", out, final_width / width, "--vscale", final_height / height)


def add_grain_and_save(scene: Path, out: str, seed: int, sigma: float) -> None:
    """Adds seeded per-pixel luminance grain (sensor noise) to a scene and saves it.

    out may carry vips save options, e.g. "photo.jpg[Q=90]"; the sum is clipped to 8 bits.
    """
    with ScratchDirectory(Path(out.split("[")[0]).parent) as tmp:
        width, height = image_size(scene)
        vips("gaussnoise", tmp / "grain.v", width, height, "--sigma", sigma, "--mean", 0, "--seed", seed)
        vips("add", scene, tmp / "grain.v", tmp / "grainy.v")
        # An explicit cast: a float sRGB image would be saved as if it were linear light.
        vips("cast", tmp / "grainy.v", out, "uchar")


def image_size(path: Path) -> tuple[int, int]:
    result = subprocess.run(["vipsheader", "-f", "width", str(path)], capture_output=True, text=True, check=True)
    width = int(result.stdout.strip())
    result = subprocess.run(["vipsheader", "-f", "height", str(path)], capture_output=True, text=True, check=True)
    return width, int(result.stdout.strip())


def render_photo(out: str, width: int, height: int, seed: int, caption: str | None = None,
                 grain: float = 5.0, palette=None) -> None:
    """Writes one photo-like image: scene plus grain, saved to out (vips save options allowed)."""
    target_dir = Path(out.split("[")[0]).parent
    target_dir.mkdir(parents=True, exist_ok=True)
    with ScratchDirectory(target_dir) as tmp:
        scene = tmp / "scene.v"
        render_scene(scene, width, height, seed, caption, palette, scratch_parent=tmp)
        add_grain_and_save(scene, out, seed, grain)


def tool_version(argv: list[str]) -> str:
    """First line a tool prints about its version, or "not installed"."""
    if shutil.which(argv[0]) is None:
        return "not installed"
    result = subprocess.run(argv, capture_output=True, text=True)
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def cpu_count() -> int:
    return os.cpu_count() or 1
