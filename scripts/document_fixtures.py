"""Writers for the documents, design files, logos, fonts and texts Stockroom's tests and samples use.

Everything is written here from first principles so the bytes are known: PDF syntax by hand (and
through cairo for pages with embedded fonts), Photoshop files with a small PSD/PSB writer (raw and
PackBits RLE composites, 1/8/16/32-bit, RGB/CMYK/grey/Lab/indexed, layers with Unicode names, groups
and type layers), Office Open XML and OpenDocument packages as ZIP + XML, EPS with a DOS binary
header, fonts subset from Debian's font packages with fontTools, and a pixel font built from a
5 × 7 grid. Used by scripts/make-document-fixtures (test fixtures) and scripts/make-sample-assets.
"""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
import zlib
import logging
from pathlib import Path

# MARK: small images (PNG written here; JPEG and TIFF through the vips command)


def png_rgba(width: int, height: int, pixel) -> bytes:
    """A PNG of `pixel(x, y) -> (r, g, b, a)`."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def two_colour_png(width: int, height: int, left: tuple, right: tuple) -> bytes:
    return png_rgba(width, height, lambda x, y: left if x < width // 2 else right)


def convert_with_vips(png: bytes, suffix: str, scratch: Path) -> bytes:
    """PNG bytes re-encoded by the vips command (".jpg[Q=85]", ".tif")."""
    scratch.mkdir(parents=True, exist_ok=True)
    source = scratch / "convert-source.png"
    target = scratch / ("convert-target" + suffix.split("[")[0])
    source.write_bytes(png)
    subprocess.run(["vips", "copy", str(source), str(target) + suffix[len(suffix.split("[")[0]):]], check=True)
    data = target.read_bytes()
    source.unlink()
    target.unlink()
    return data


# MARK: PDF


def pdf_string(text: str) -> bytes:
    """A PDF text string: PDFDocEncoding for ASCII, else UTF-16BE with a byte-order mark."""
    if all(32 <= ord(c) < 127 for c in text):
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def xmp_packet(title: str, creator: str, description: str = "", keywords: tuple = (), tool: str = "") -> bytes:
    subject = "".join(f"<rdf:li>{k}</rdf:li>" for k in keywords)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt></dc:description>
<dc:subject><rdf:Bag>{subject}</rdf:Bag></dc:subject>
{f"<xmp:CreatorTool>{tool}</xmp:CreatorTool>" if tool else ""}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode("utf-8")


class PDFWriter:
    """PDF 1.7 by hand: pages of Helvetica text and filled rectangles, an information dictionary,
    optionally an XMP metadata stream and Illustrator's private data. Uncompressed and readable."""

    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    @staticmethod
    def stream(dictionary: bytes, data: bytes) -> bytes:
        return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    def write(self, pages: list[dict], info: dict, xmp: bytes | None = None, illustrator: bool = False) -> bytes:
        """`pages`: [{"size": (w, h), "lines": [(x, y, size, text)], "boxes": [(x, y, w, h, (r, g, b))]}]."""
        font = self.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        pages_id = len(self.objects) + 1 + 2 * len(pages) + (1 if illustrator else 0)
        page_ids = []
        private = self.add(self.stream(b"", b"%AI private data written by Stockroom's fixtures")) if illustrator else None
        for page in pages:
            content = bytearray()
            for (x, y, w, h, (r, g, b)) in page.get("boxes", []):
                content += b"%.3f %.3f %.3f rg %.2f %.2f %.2f %.2f re f\n" % (r, g, b, x, y, w, h)
            for (x, y, size, text) in page.get("lines", []):
                encoded = text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
                content += b"BT 0 0 0 rg /F1 %d Tf %.2f %.2f Td (" % (size, x, y) + encoded + b") Tj ET\n"
            stream_id = self.add(self.stream(b"", bytes(content)))
            width, height = page["size"]
            piece = b" /PieceInfo << /Illustrator << /LastModified (D:20240601120000Z) /Private %d 0 R >> >>" % private if illustrator else b""
            page_ids.append(self.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.3f %.3f] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R%s >>"
                % (pages_id, width, height, font, stream_id, piece)))
        kids = b" ".join(b"%d 0 R" % i for i in page_ids)
        assert self.add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
        metadata = b""
        if xmp is not None:
            metadata = b" /Metadata %d 0 R" % self.add(self.stream(b"/Type /Metadata /Subtype /XML", xmp))
        catalog = self.add(b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_id, metadata))
        fields = b" ".join(b"/" + key.encode("ascii") + b" " + (pdf_string(value) if not key.endswith("Date") else b"(" + value.encode("ascii") + b")")
                           for key, value in info.items())
        info_id = self.add(b"<< " + fields + b" >>")
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(self.objects) + 1, catalog, info_id, xref)
        return bytes(out)


def text_page(size: tuple, title: str, paragraphs: list[str], colour=(0.1, 0.3, 0.6)) -> dict:
    """A page with a coloured band, a title and wrapped paragraphs of Helvetica."""
    width, height = size
    lines = [(56, height - 90, 26, title)]
    y = height - 130
    for paragraph in paragraphs:
        words = paragraph.split()
        line = ""
        for word in words:
            if len(line) + len(word) + 1 > int((width - 112) / 5.6):
                lines.append((56, y, 11, line))
                y -= 15
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            lines.append((56, y, 11, line))
            y -= 22
    return {"size": size, "lines": lines, "boxes": [(0, height - 40, width, 40, colour), (56, 60, width - 112, 6, colour)]}


def cairo_pdf(path: Path, pages: list[tuple[str, list[str]]], metadata: dict, font: str = "DejaVu Sans") -> None:
    """A PDF drawn by cairo with `font` embedded (a subset), A4, one (title, paragraphs) per page."""
    import cairo  # python3-cairo

    surface = cairo.PDFSurface(str(path), 595.276, 841.89)
    names = {"title": cairo.PDF_METADATA_TITLE, "author": cairo.PDF_METADATA_AUTHOR, "subject": cairo.PDF_METADATA_SUBJECT,
             "keywords": cairo.PDF_METADATA_KEYWORDS, "creator": cairo.PDF_METADATA_CREATOR}
    for key, value in metadata.items():
        surface.set_metadata(names[key], value)
    context = cairo.Context(surface)
    for title, paragraphs in pages:
        context.set_source_rgb(0.12, 0.35, 0.55)
        context.rectangle(0, 0, 595.276, 50)
        context.fill()
        context.set_source_rgb(0, 0, 0)
        context.select_font_face(font, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD)
        context.set_font_size(24)
        context.move_to(56, 100)
        context.show_text(title)
        context.select_font_face(font, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
        context.set_font_size(11)
        y = 140
        for paragraph in paragraphs:
            line = ""
            for word in paragraph.split():
                candidate = f"{line} {word}".strip()
                if context.text_extents(candidate).x_advance > 595.276 - 112:
                    context.move_to(56, y)
                    context.show_text(line)
                    y += 15
                    line = word
                else:
                    line = candidate
            context.move_to(56, y)
            context.show_text(line)
            y += 24
        context.show_page()
    surface.finish()


def qpdf_encrypt(source: Path, target: Path, user: str, owner: str, cleartext_metadata: bool = False,
                 restrict: bool = False) -> None:
    arguments = ["qpdf", "--encrypt", user, owner, "256"]
    if cleartext_metadata:
        arguments.append("--cleartext-metadata")
    if restrict:
        arguments += ["--print=none", "--modify=none", "--extract=n"]
    subprocess.run(arguments + ["--", str(source), str(target)], check=True)


# MARK: Photoshop


def packbits(row: bytes) -> bytes:
    """PackBits: runs of 3+ equal bytes as repeats, the rest as literals (at most 128 each)."""
    out = bytearray()
    i = 0
    n = len(row)
    while i < n:
        run = 1
        while i + run < n and run < 128 and row[i + run] == row[i]:
            run += 1
        if run >= 3:
            out += bytes([257 - run, row[i]])
            i += run
            continue
        start = i
        while i < n and i - start < 128:
            if i + 2 < n and row[i] == row[i + 1] == row[i + 2]:
                break
            i += 1
        out.append(i - start - 1)
        out += row[start:i]
    return bytes(out)


def unicode_string(text: str) -> bytes:
    units = text.encode("utf-16-be")
    return struct.pack(">I", len(units) // 2) + units


def pascal_string(text: str, pad_to: int) -> bytes:
    raw = text.encode("mac_roman", "replace")[:255]
    data = bytes([len(raw)]) + raw
    return data + b"\0" * ((-len(data)) % pad_to)


def tagged_block(key: str, data: bytes, large: bool = False) -> bytes:
    wide = large and key in {"LMsk", "Lr16", "Lr32", "Layr", "Mt16", "Mt32", "Mtrn", "Alph", "FMsk", "lnk2", "FEid", "FXid", "PxSD"}
    data = data + b"\0" * (len(data) % 2)
    return b"8BIM" + key.encode("ascii") + (struct.pack(">Q", len(data)) if wide else struct.pack(">I", len(data))) + data


def type_layer_block(text: str, fonts: list[str]) -> bytes:
    """A 'TySh' block: version, transform, and a text descriptor holding 'Txt ' and the EngineData."""
    font_set = b" ".join(b"<< /Name (\xfe\xff" + f.encode("utf-16-be") + b") /Script 0 /FontType 1 /Synthetic 0 >>" for f in fonts + ["AdobeInvisFont"])
    engine = b"\n\n<<\n\t/EngineDict\n\t<<\n\t\t/Editor << /Text (\xfe\xff" + text.encode("utf-16-be") + b") >>\n\t>>\n\t/ResourceDict\n\t<<\n\t\t/FontSet [ " + font_set + b" ]\n\t>>\n>>"
    descriptor = (unicode_string("") + struct.pack(">I", 0) + b"TxLr" + struct.pack(">I", 2)
                  + struct.pack(">I", 0) + b"Txt " + b"TEXT" + unicode_string(text + "\0")
                  + struct.pack(">I", 10) + b"EngineData" + b"tdta" + struct.pack(">I", len(engine)) + engine)
    return struct.pack(">H", 1) + struct.pack(">6d", 1, 0, 0, 1, 10, 20) + struct.pack(">HI", 50, 16) + descriptor


class PSDLayer:
    def __init__(self, name: str, kind: str = "pixel", text: str = "", fonts: tuple = (), ascii_name: str | None = None):
        self.name = name
        self.kind = kind  # pixel, group, group-end, text
        self.text = text
        self.fonts = list(fonts)
        self.ascii_name = ascii_name


def psd(width: int, height: int, mode: int, depth: int, planes: list[bytes], compression: int = 1, large: bool = False,
        layers: list[PSDLayer] = (), resolution: float | None = None, thumbnail_jpeg: bytes | None = None,
        xmp: bytes | None = None, merged: bool | None = None, palette: bytes | None = None, extra_channels: int = 0,
        lr16: bool = False) -> bytes:
    """A Photoshop file. `planes`: one bytes object per composite channel, rows of big-endian samples
    (depth 1: packed bits). Layers have empty bounds (their pixels are not needed)."""
    channels = len(planes) + extra_channels
    out = bytearray(b"8BPS" + struct.pack(">H", 2 if large else 1) + b"\0" * 6)
    out += struct.pack(">HIIHH", channels, height, width, depth, mode)
    colour = palette or b""
    out += struct.pack(">I", len(colour)) + colour

    resources = bytearray()

    def resource(rid: int, data: bytes) -> None:
        resources.extend(b"8BIM" + struct.pack(">H", rid) + b"\0\0" + struct.pack(">I", len(data)) + data + b"\0" * (len(data) % 2))

    if resolution is not None:
        fixed = int(resolution * 65536)
        resource(1005, struct.pack(">IHHIHH", fixed, 1, 1, fixed, 1, 1))
    if merged is not None:
        resource(1057, struct.pack(">IB", 1, 1 if merged else 0) + unicode_string("Adobe Photoshop") + unicode_string("Adobe Photoshop CC") + struct.pack(">I", 1))
    if thumbnail_jpeg is not None:
        resource(1036, struct.pack(">IIIIIIHH", 1, 160, 120, 480, 480 * 120, len(thumbnail_jpeg), 24, 1) + thumbnail_jpeg)
    if xmp is not None:
        resource(1060, xmp)
    out += struct.pack(">I", len(resources)) + resources

    if layers:
        length = struct.Struct(">Q" if large else ">I")
        records = bytearray()
        channel_data = bytearray()
        for layer in layers:
            records += struct.pack(">iiii", 0, 0, 0, 0) + struct.pack(">H", 4)
            for channel_id in (-1, 0, 1, 2):
                records += struct.pack(">h", channel_id) + length.pack(2)
                channel_data += struct.pack(">H", 0)
            records += b"8BIMnorm" + bytes([255, 0, 8, 0])
            extra = bytearray(struct.pack(">I", 0) + struct.pack(">I", 0))
            extra += pascal_string(layer.ascii_name if layer.ascii_name is not None else layer.name, 4)
            extra += tagged_block("luni", unicode_string(layer.name), large)
            if layer.kind == "group":
                extra += tagged_block("lsct", struct.pack(">I", 1), large)
            if layer.kind == "group-end":
                extra += tagged_block("lsct", struct.pack(">I", 3), large)
            if layer.kind == "text":
                extra += tagged_block("TySh", type_layer_block(layer.text, layer.fonts), large)
            records += struct.pack(">I", len(extra)) + extra
        info = struct.pack(">h", len(layers)) + records + channel_data
        info += b"\0" * (len(info) % 2)
        if lr16:
            # 16-bit files keep their layers in an Lr16 block after an empty layer info.
            section = length.pack(0) + struct.pack(">I", 0) + tagged_block("Lr16", info, large)
        else:
            section = length.pack(len(info)) + info + struct.pack(">I", 0)
        out += length.pack(len(section)) + section
    else:
        out += (struct.pack(">Q", 0) if large else struct.pack(">I", 0))

    row_bytes = (width + 7) // 8 if depth == 1 else width * depth // 8
    all_planes = list(planes) + [b"\xff" * (row_bytes * height)] * extra_channels
    out += struct.pack(">H", compression)
    if compression == 0:
        for plane in all_planes:
            out += plane
    else:
        counts = bytearray()
        data = bytearray()
        for plane in all_planes:
            for y in range(height):
                packed = packbits(plane[y * row_bytes:(y + 1) * row_bytes])
                counts += struct.pack(">I" if large else ">H", len(packed))
                data += packed
        out += counts + data
    return bytes(out)


def plane(width: int, height: int, value, depth: int = 8) -> bytes:
    """One channel from `value(x, y) -> 0…1`."""
    out = bytearray()
    for y in range(height):
        if depth == 1:
            bits = 0
            row = bytearray()
            for x in range(width):
                bits = (bits << 1) | (1 if value(x, y) >= 0.5 else 0)
                if x % 8 == 7:
                    row.append(bits)
                    bits = 0
            if width % 8:
                row.append(bits << (8 - width % 8))
            out += row
            continue
        for x in range(width):
            v = min(max(value(x, y), 0.0), 1.0)
            if depth == 8:
                out.append(int(round(v * 255)))
            elif depth == 16:
                out += struct.pack(">H", int(round(v * 65535)))
            else:
                out += struct.pack(">f", v)
    return bytes(out)


# MARK: Office Open XML and OpenDocument

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES_DEFAULTS = (
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="png" ContentType="image/png"/>')


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def core_xml(title: str, creator: str, keywords: str = "", subject: str = "", created: str = "2024-05-02T09:30:00Z",
             modified: str = "2024-05-03T16:45:00Z") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{xml_escape(title)}</dc:title><dc:subject>{xml_escape(subject)}</dc:subject>'
            f'<dc:creator>{xml_escape(creator)}</dc:creator><cp:keywords>{xml_escape(keywords)}</cp:keywords>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified></cp:coreProperties>')


def app_xml(application: str, **counts: int) -> str:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in counts.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f'<Application>{application}</Application>{fields}</Properties>')


def package_rels(main: str, thumbnail: str | None) -> str:
    rels = ('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            f'Target="{main}"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>')
    if thumbnail:
        rels += f'<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="{thumbnail}"/>'
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rels + "</Relationships>"


def write_zip(path: Path, parts: list[tuple[str, bytes | str]], stored_first: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            payload = data.encode("utf-8") if isinstance(data, str) else data
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 3, 12, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)


def docx(path: Path, title: str, creator: str, paragraphs: list[str], keywords: str = "", fonts: tuple = ("Calibri",),
         thumbnail: bytes | None = None, template: bool = False, pages: int | None = None, document_xml: str | None = None) -> None:
    main_type = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml" if template
                 else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' + CONTENT_TYPES_DEFAULTS +
                     f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
                     '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                     '</Types>')
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{"Title" if i == 0 else "Normal"}"/></w:pPr><w:r><w:t xml:space="preserve">{xml_escape(p)}</w:t></w:r></w:p>'
        for i, p in enumerate(paragraphs))
    document = document_xml or (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}'
                                '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    font_table = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="{W}">'
                  + "".join(f'<w:font w:name="{xml_escape(f)}"/>' for f in fonts) + "</w:fonts>")
    words = sum(len(p.split()) for p in paragraphs)
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", package_rels("word/document.xml", "docProps/thumbnail.jpeg" if thumbnail else None)),
             ("word/document.xml", document), ("word/fontTable.xml", font_table),
             ("docProps/core.xml", core_xml(title, creator, keywords)),
             ("docProps/app.xml", app_xml("Stockroom fixtures", Pages=pages or max(1, words // 300 + 1), Words=words))]
    if thumbnail:
        parts.append(("docProps/thumbnail.jpeg", thumbnail))
    write_zip(path, parts)


def pptx(path: Path, title: str, creator: str, slides: list[list[str]], thumbnail: bytes | None = None,
         listed_in_reverse: bool = False) -> None:
    """`listed_in_reverse`: the presentation lists the slide files last to first, which shows
    whether a reader follows the presentation's order or the file names."""
    p_ns = "http://schemas.openxmlformats.org/presentationml/2006/main"
    a_ns = "http://schemas.openxmlformats.org/drawingml/2006/main"
    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    overrides = "".join(f'<Override PartName="/ppt/slides/slide{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
                        for i in range(len(slides)))
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     + CONTENT_TYPES_DEFAULTS +
                     '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
                     + overrides + "</Types>")
    order = list(reversed(range(len(slides)))) if listed_in_reverse else list(range(len(slides)))
    ids = "".join(f'<p:sldId id="{256 + n}" r:id="rId{10 + i}"/>' for n, i in enumerate(order))
    presentation = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation xmlns:p="{p_ns}" xmlns:r="{r_ns}">'
                    f'<p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/></p:presentation>')
    rels = "".join(f'<Relationship Id="rId{10 + i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide{i + 1}.xml"/>'
                   for i in range(len(slides)))
    rels += '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>'
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", package_rels("ppt/presentation.xml", "docProps/thumbnail.jpeg" if thumbnail else None)),
             ("ppt/presentation.xml", presentation),
             ("ppt/_rels/presentation.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rels + "</Relationships>"),
             ("ppt/theme/theme1.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:theme xmlns:a="{a_ns}"><a:themeElements><a:fontScheme name="Stockroom">'
                                      '<a:majorFont><a:latin typeface="Linux Biolinum O"/></a:majorFont><a:minorFont><a:latin typeface="Linux Libertine O"/></a:minorFont>'
                                      '</a:fontScheme></a:themeElements></a:theme>'),
             ("docProps/core.xml", core_xml(title, creator)),
             ("docProps/app.xml", app_xml("Stockroom fixtures", Slides=len(slides)))]
    for i, lines in enumerate(slides):
        paragraphs = "".join(f"<a:p><a:r><a:t>{xml_escape(line)}</a:t></a:r></a:p>" for line in lines)
        parts.append((f"ppt/slides/slide{i + 1}.xml",
                      f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld xmlns:p="{p_ns}" xmlns:a="{a_ns}"><p:cSld><p:spTree>'
                      f'<p:sp><p:txBody>{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>'))
    if thumbnail:
        parts.append(("docProps/thumbnail.jpeg", thumbnail))
    write_zip(path, parts)


def xlsx(path: Path, title: str, creator: str, sheets: list[str], strings: list[str]) -> None:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     + CONTENT_TYPES_DEFAULTS +
                     '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{ns}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                + "".join(f'<sheet name="{xml_escape(s)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, s in enumerate(sheets)) + "</sheets></workbook>")
    shared = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{ns}" count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(f"<si><t>{xml_escape(s)}</t></si>" for s in strings) + "</sst>")
    write_zip(path, [("[Content_Types].xml", content_types), ("_rels/.rels", package_rels("xl/workbook.xml", None)),
                     ("xl/workbook.xml", workbook), ("xl/sharedStrings.xml", shared),
                     ("docProps/core.xml", core_xml(title, creator)), ("docProps/app.xml", app_xml("Stockroom fixtures"))])


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"')


def opendocument(path: Path, kind: str, title: str, creator: str, body: str, pages: int | None = None,
                 thumbnail: bytes | None = None, fonts: tuple = ("Liberation Serif",)) -> None:
    """`kind`: text, presentation or spreadsheet; `body` is the office:body content."""
    stats = f'<meta:document-statistic meta:page-count="{pages}"/>' if pages else ""
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta>'
            f"<dc:title>{xml_escape(title)}</dc:title><meta:initial-creator>{xml_escape(creator)}</meta:initial-creator>"
            "<meta:keyword>autumn</meta:keyword><meta:keyword>minutes</meta:keyword>"
            "<meta:creation-date>2024-09-10T08:15:00.123456789</meta:creation-date><dc:date>2024-09-11T17:00:00</dc:date>"
            f"<meta:generator>Stockroom fixtures</meta:generator>{stats}</office:meta></office:document-meta>")
    faces = "".join(f'<style:font-face style:name="{f}" svg:font-family="\'{f}\'"/>' for f in fonts)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}><office:font-face-decls>{faces}</office:font-face-decls>'
               f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF_NS}><office:automatic-styles><style:page-layout style:name="pm1">'
              '<style:page-layout-properties fo:page-width="21.001cm" fo:page-height="29.7cm"/></style:page-layout></office:automatic-styles></office:document-styles>')
    parts = [("mimetype", f"application/vnd.oasis.opendocument.{kind}"), ("meta.xml", meta), ("content.xml", content), ("styles.xml", styles)]
    if thumbnail:
        parts.append(("Thumbnails/thumbnail.png", thumbnail))
    write_zip(path, parts, stored_first="mimetype")


# MARK: SVG and EPS


def eps(title: str, creator: str, box: tuple, tiff_preview: bytes | None) -> bytes:
    llx, lly, urx, ury = box
    postscript = (f"%!PS-Adobe-3.0 EPSF-3.0\n%%Title: ({title})\n%%Creator: {creator}\n%%CreationDate: 2024-06-01\n"
                  f"%%BoundingBox: {llx} {lly} {urx} {ury}\n%%EndComments\n0.1 0.3 0.6 setrgbcolor {llx} {lly} {urx - llx} {ury - lly} rectfill\nshowpage\n%%EOF\n").encode("ascii")
    if tiff_preview is None:
        return postscript
    header_size = 30
    header = struct.pack("<4sIIIIIIH", b"\xc5\xd0\xd3\xc6", header_size, len(postscript), 0, 0,
                         header_size + len(postscript), len(tiff_preview), 0xFFFF)
    return header + postscript + tiff_preview


# MARK: fonts


def subset_font(source: str, target: Path, unicodes: str, flavor: str | None = None) -> None:
    """A subset of a system font through fontTools (Debian's python3-fonttools; WOFF2 needs python3-brotli)."""
    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)

    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    if flavor:
        options.flavor = flavor
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)


PIXEL_GLYPHS = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"], "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "C": ["01111", "10000", "10000", "10000", "10000", "10000", "01111"], "D": ["11110", "10001", "10001", "10001", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"], "F": ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
    "G": ["01111", "10000", "10000", "10011", "10001", "10001", "01111"], "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "I": ["11111", "00100", "00100", "00100", "00100", "00100", "11111"], "J": ["00111", "00010", "00010", "00010", "00010", "10010", "01100"],
    "K": ["10001", "10010", "10100", "11000", "10100", "10010", "10001"], "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "M": ["10001", "11011", "10101", "10101", "10001", "10001", "10001"], "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    "O": ["01110", "10001", "10001", "10001", "10001", "10001", "01110"], "P": ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
    "Q": ["01110", "10001", "10001", "10001", "10101", "10010", "01101"], "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"], "T": ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
    "U": ["10001", "10001", "10001", "10001", "10001", "10001", "01110"], "V": ["10001", "10001", "10001", "10001", "10001", "01010", "00100"],
    "W": ["10001", "10001", "10001", "10101", "10101", "10101", "01010"], "X": ["10001", "10001", "01010", "00100", "01010", "10001", "10001"],
    "Y": ["10001", "10001", "01010", "00100", "00100", "00100", "00100"], "Z": ["11111", "00001", "00010", "00100", "01000", "10000", "11111"],
    "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"], "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"], "3": ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"], "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"], "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"], "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
    ".": ["00000", "00000", "00000", "00000", "00000", "01100", "01100"], ",": ["00000", "00000", "00000", "00000", "01100", "00100", "01000"],
    "!": ["00100", "00100", "00100", "00100", "00100", "00000", "00100"], "?": ["01110", "10001", "00001", "00010", "00100", "00000", "00100"],
    "&": ["01100", "10010", "10100", "01000", "10101", "10010", "01101"], "@": ["01110", "10001", "10111", "10101", "10111", "10000", "01110"],
    ";": ["00000", "01100", "01100", "00000", "01100", "00100", "01000"], ":": ["00000", "01100", "01100", "00000", "01100", "01100", "00000"],
    "(": ["00010", "00100", "01000", "01000", "01000", "00100", "00010"], ")": ["01000", "00100", "00010", "00010", "00010", "00100", "01000"],
    "-": ["00000", "00000", "00000", "11111", "00000", "00000", "00000"],
}


def pixel_font(target: Path, family: str = "Stockroom Pixel") -> None:
    """A TrueType font drawn on a 5 × 7 grid (lower case maps to the capitals), made by this project."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    unit = 100
    names = [".notdef", "space"]
    cmap = {32: "space"}
    glyphs = {}
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0)); pen.lineTo((50, 700)); pen.lineTo((450, 700)); pen.lineTo((450, 0)); pen.closePath()
    glyphs[".notdef"] = pen.glyph()
    glyphs["space"] = TTGlyphPen(None).glyph()
    for char, rows in PIXEL_GLYPHS.items():
        name = f"uni{ord(char):04X}"
        pen = TTGlyphPen(None)
        for r, row in enumerate(rows):
            for c, bit in enumerate(row):
                if bit == "1":
                    x0, y0 = 50 + c * unit, (6 - r) * unit
                    pen.moveTo((x0, y0)); pen.lineTo((x0, y0 + unit)); pen.lineTo((x0 + unit, y0 + unit)); pen.lineTo((x0 + unit, y0)); pen.closePath()
        glyphs[name] = pen.glyph()
        names.append(name)
        cmap[ord(char)] = name
        if char.isalpha():
            cmap[ord(char.lower())] = name
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (600 if name != "space" else 400, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({
        "familyName": family, "styleName": "Regular", "uniqueFontIdentifier": f"{family} Regular 1.000",
        "fullName": f"{family} Regular", "psName": family.replace(" ", "") + "-Regular", "version": "Version 1.000",
        "copyright": "© 2024 Stockroom Project. CC0 1.0: no rights reserved.", "designer": "Stockroom Project",
        "manufacturer": "Stockroom Project", "licenseDescription": "CC0 1.0 Universal: dedicated to the public domain.",
        "licenseInfoURL": "https://creativecommons.org/publicdomain/zero/1.0/",
    })
    builder.setupOS2(usWeightClass=400, sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200, achVendID="STKR")
    builder.setupPost()
    # A fixed date, so the same script writes the same bytes.
    from fontTools.misc.timeTools import timestampFromString
    builder.font["head"].created = builder.font["head"].modified = timestampFromString("Sat Jun  1 12:00:00 2024")
    target.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(target))


# MARK: words

LOREM = ("brand campaign launch autumn colour palette typography layout grid story audience channel message headline "
         "budget timeline approval review market retail window display print digital social video photo shoot studio").split()


def words(count: int, seed: int) -> str:
    """`count` plain words, deterministic."""
    out = []
    state = seed
    for _ in range(count):
        state = (state * 1103515245 + 12345) % (1 << 31)
        out.append(LOREM[state % len(LOREM)])
    return " ".join(out)
