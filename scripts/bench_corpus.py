"""The benchmark corpus: camera-like JPEGs, large PNG/TIFF files and short H.264 videos.

Generated deterministically from a seed and cached under bench-out/corpus/, keyed by the
parameters and the generator version (bump CORPUS_VERSION when the recipe changes). A few
photo-like scenes are rendered per size class; every JPEG then gets its own seeded grain (so each
file differs in pixels and hash, and costs what a real photo costs to decode) and its own EXIF.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import synthetic_media as media

CORPUS_VERSION = 2
SCENES_PER_CLASS = 3

# (folder, width, height): 24 MP like a Sony A7 III / Nikon Z6, 12 MP like a Sony A7S / iPhone.
JPEG_CLASSES = [("jpeg-24mp", 6000, 4000), ("jpeg-12mp", 4240, 2832)]

CAMERAS = [
    ("SONY", "ILCE-7M3", "FE 24-105mm F4 G OSS"),
    ("NIKON CORPORATION", "NIKON Z 6_2", "NIKKOR Z 24-70mm f/4 S"),
    ("Canon", "Canon EOS R6", "RF24-105mm F4 L IS USM"),
    ("FUJIFILM", "X-T4", "XF16-55mmF2.8 R LM WR"),
]
EXPOSURES = ["1/1000", "1/500", "1/250", "1/125", "1/60", "1/30"]
APERTURES = [2.8, 4.0, 5.6, 8.0, 11.0]
ISOS = [100, 200, 400, 800, 1600, 3200]


@dataclass(frozen=True)
class CorpusParameters:
    jpegs_per_class: int
    seed: int

    @property
    def large_files_per_format(self) -> int:
        return max(2, self.jpegs_per_class // 100)

    @property
    def videos(self) -> int:
        return max(2, self.jpegs_per_class // 100)

    @property
    def key(self) -> str:
        return f"v{CORPUS_VERSION}-n{self.jpegs_per_class}-seed{self.seed}"


@dataclass
class Corpus:
    root: Path

    @property
    def images_dir(self) -> Path:
        return self.root / "images"

    @property
    def videos_dir(self) -> Path:
        return self.root / "videos"

    def images(self) -> list[Path]:
        return sorted(p for p in self.images_dir.rglob("*") if p.is_file())

    def videos(self) -> list[Path]:
        return sorted(p for p in self.videos_dir.rglob("*") if p.is_file())

    def manifest(self) -> dict:
        return json.loads((self.root / "corpus.json").read_text())


def ensure_corpus(out_dir: Path, params: CorpusParameters, log) -> Corpus:
    """Returns the cached corpus for params, generating it first if it is missing or incomplete."""
    root = out_dir / "corpus" / params.key
    corpus = Corpus(root)
    if (root / "corpus.json").exists():
        log(f"corpus: reusing {root}")
        return corpus
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    log(f"corpus: generating {params.key} in {root} (cached for later runs)")
    for class_index, (folder, width, height) in enumerate(JPEG_CLASSES):
        make_jpeg_class(corpus.images_dir / folder, class_index, width, height, params, log)
    make_large_images(corpus.images_dir / "large", params, log)
    make_videos(corpus.videos_dir, params, log)
    manifest = {
        "key": params.key,
        "seed": params.seed,
        "jpegsPerClass": params.jpegs_per_class,
        "images": [str(p.relative_to(root)) for p in corpus.images()],
        "videos": [str(p.relative_to(root)) for p in corpus.videos()],
        "bytes": sum(p.stat().st_size for p in corpus.images() + corpus.videos()),
    }
    # Written last: its presence marks the corpus complete.
    (root / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return corpus


def ensure_photo_class(out_dir: Path, params: CorpusParameters, log) -> Path:
    """Only the 24 MP JPEG class (the same files as the full corpus's `jpeg-24mp` of these
    parameters), for benchmarks that need many photos and nothing else. Returns its folder."""
    folder_name, width, height = JPEG_CLASSES[0]
    root = out_dir / "corpus" / f"photos-{params.key}"
    folder = root / "images" / folder_name
    done = root / "done"
    if done.exists():
        return folder
    shutil.rmtree(root, ignore_errors=True)
    make_jpeg_class(folder, 0, width, height, params, log)
    done.write_text("ok\n")
    return folder


def make_jpeg_class(folder: Path, class_index: int, width: int, height: int,
                    params: CorpusParameters, log) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    scenes_dir = folder.parent.parent / "scenes"
    scenes_dir.mkdir(parents=True, exist_ok=True)
    scenes = []
    for s in range(SCENES_PER_CLASS):
        scene = scenes_dir / f"{folder.name}-scene{s}.v"
        log(f"corpus: scene {scene.name} {width}x{height}")
        media.render_scene(scene, width, height, seed=params.seed * 1000 + class_index * 10 + s,
                           caption=f"Stockroom bench {folder.name} scene {s}", scratch_parent=scenes_dir)
        scenes.append(scene)
    def make_jpeg(i: int) -> Path:
        out = folder / f"{folder.name}-{i + 1:04d}.jpg"
        grain_seed = params.seed * 1_000_000 + class_index * 100_000 + i
        media.add_grain_and_save(scenes[i % len(scenes)], f"{out}[Q=92,strip]", grain_seed, sigma=6.0)
        if (i + 1) % 25 == 0 or i + 1 == params.jpegs_per_class:
            log(f"corpus: {folder.name} {i + 1}/{params.jpegs_per_class}")
        return out

    # One vips process chain per core; every file depends only on its own seed, so order is free.
    with ThreadPoolExecutor(max_workers=media.cpu_count()) as pool:
        outputs = list(pool.map(make_jpeg, range(params.jpegs_per_class)))
    exif_blocks = [exif_for(out, class_index, i, params.seed) for i, out in enumerate(outputs)]
    # One exiftool process for the whole class: per file a block of assignments ending in -execute.
    argfile = folder.parent.parent / f"exif-{folder.name}.args"
    argfile_lines = [line for block in exif_blocks for line in block + ["-execute"]][:-1]
    argfile.write_text("\n".join(argfile_lines) + "\n")
    media.run("exiftool", "-@", argfile, "-common_args", "-q", "-overwrite_original", "-n")
    argfile.unlink()
    shutil.rmtree(scenes_dir, ignore_errors=True)


def exif_for(path: Path, class_index: int, i: int, seed: int) -> list[str]:
    """A camera's EXIF for the i-th file: values cycle deterministically; time moves on 17 s a shot."""
    make, model, lens = CAMERAS[(i + class_index) % len(CAMERAS)]
    seconds = (seed % 7) * 3600 + i * 17
    day = 10 + class_index
    taken = f"2024:06:{day:02d} {9 + seconds // 3600 % 12:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    focal = [24, 35, 50, 70, 105][i % 5]
    lat = 44.4268 + (i % 50) * 0.0011
    lon = 26.1025 - (i % 37) * 0.0013
    block = [
        f"-Make={make}", f"-Model={model}", f"-LensModel={lens}",
        f"-ExposureTime={EXPOSURES[i % len(EXPOSURES)]}", f"-FNumber={APERTURES[i % len(APERTURES)]}",
        f"-ISO={ISOS[i % len(ISOS)]}", f"-FocalLength={focal}", f"-FocalLengthIn35mmFormat={focal}",
        f"-Flash={16 if i % 9 else 1}", f"-DateTimeOriginal={taken}", f"-CreateDate={taken}",
        "-OffsetTimeOriginal=+03:00",
        f"-GPSLatitude={lat:.6f}", "-GPSLatitudeRef=N", f"-GPSLongitude={lon:.6f}", "-GPSLongitudeRef=E",
        f"-GPSAltitude={80 + i % 40}", "-GPSAltitudeRef=0",
        "-Artist=Stockroom Bench", "-Copyright=CC0 1.0, generated by Stockroom scripts/bench",
        f"-ImageUniqueID={seed:04d}{class_index:02d}{i:010d}",
    ]
    if i % 5 == 4:
        block.append("-Orientation=6")
    if i % 4 == 0:
        block += ["-XMP-dc:Subject=bench", f"-XMP-dc:Subject=roll-{i // 36 + 1}", "-XMP-dc:Creator=Stockroom Bench"]
    return block + [str(path)]


def make_large_images(folder: Path, params: CorpusParameters, log) -> None:
    """Design exports (PNG) and scans (TIFF): big, lossless, slow to decode."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(params.large_files_per_format):
        with media.ScratchDirectory(folder) as tmp:
            scene = tmp / "scene.v"
            log(f"corpus: large PNG {i + 1}/{params.large_files_per_format}")
            media.render_scene(scene, 5000, 3500, seed=params.seed * 1000 + 500 + i,
                               caption=f"Stockroom bench poster {i + 1}", scratch_parent=tmp)
            media.add_grain_and_save(scene, f"{folder / f'poster-{i + 1:02d}.png'}[compression=6,strip]",
                                     params.seed * 1000 + 600 + i, sigma=2.0)
            log(f"corpus: large TIFF {i + 1}/{params.large_files_per_format}")
            media.render_scene(scene, 6000, 4000, seed=params.seed * 1000 + 700 + i,
                               caption=f"Stockroom bench scan {i + 1}", scratch_parent=tmp)
            media.add_grain_and_save(scene, f"{folder / f'scan-{i + 1:02d}.tif'}[compression=lzw,strip]",
                                     params.seed * 1000 + 800 + i, sigma=3.0)


def make_videos(folder: Path, params: CorpusParameters, log) -> None:
    """Five-second 1080p H.264 clips with AAC audio, as a phone or camera records them; every
    other clip carries seeded temporal noise, which costs the bitrate real sensor noise costs."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(params.videos):
        log(f"corpus: video {i + 1}/{params.videos}")
        source = ("testsrc2=size=1920x1080:rate=30:duration=5" if i % 2 == 0
                  else "testsrc2=size=1920x1080:rate=30:duration=5,hue=H=2*PI*t/5,"
                       f"noise=alls=8:allf=t:all_seed={params.seed * 100 + i}")
        media.run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                  "-f", "lavfi", "-i", source,
                  "-f", "lavfi", "-i", f"sine=frequency={220 + 110 * i}:sample_rate=48000:duration=5",
                  "-t", "5", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                  "-threads", "1", "-c:a", "aac", "-b:a", "128k",
                  "-metadata", f"title=Bench clip {i + 1}", "-metadata", f"creation_time=2024-06-1{i % 10}T12:00:00Z",
                  "-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact",
                  "-flags:a", "+bitexact", folder / f"clip-{i + 1:02d}.mp4")
