"""Screendumps read as text: QMP screendump's PPM, cut into font cells, each matched exactly
against glyphs this module renders itself from the PSF font file (no anti-aliasing, so a cell
is one glyph in two colours or it is nothing). Independent of the image and of
image/font_to_c.py: its own PSF reader, its own Unicode-table walk."""

import gzip
import struct
import zlib

FONT = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz"

# The image's palette (lib/fb_text.c fb_colour_rgb), as a screendump must show it in RGB order
# whatever the framebuffer's pixel format: a swapped red and blue would show here.
BACKGROUND = (0x00, 0x00, 0x28)
TEXT = (0xE0, 0xE0, 0xE0)
GREEN = (0x20, 0xE0, 0x20)
RED = (0xFF, 0x30, 0x30)
YELLOW = (0xE0, 0xD0, 0x20)
BAR = (0x30, 0x40, 0x80)


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("%s: not a P6 PPM with maxval 255" % path)
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h * 3]
    if len(pixels) != w * h * 3:
        raise ValueError("%s: %d pixel bytes, %dx%d needs %d" % (path, len(pixels), w, h, w * h * 3))
    return w, h, pixels


def write_png(path, w, h, rgb):
    """RGB bytes as a PNG (filter 0 rows, zlib): for a person to look at."""
    raw = b"".join(b"\0" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def font_glyphs(path=FONT):
    """(width, height, {bitmap: character}) for the printable ASCII characters; a bitmap is a
    tuple of one int per glyph row, its leftmost pixel the top bit of the row's bytes."""
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    if data[:2] == b"\x36\x04":  # PSF1: mode, charsize; 8 pixels wide
        mode, height = data[2], data[3]
        count, width, row_bytes, offset = (512 if mode & 1 else 256), 8, 1, 4
        size = height
        unicode = {}
        if mode & 2:
            pos = offset + count * size
            for glyph in range(count):
                while pos + 2 <= len(data):
                    (u,) = struct.unpack_from("<H", data, pos)
                    pos += 2
                    if u == 0xFFFF:
                        break
                    if u == 0xFFFE:  # sequences follow: skip to the separator
                        while pos + 2 <= len(data) and struct.unpack_from("<H", data, pos)[0] != 0xFFFF:
                            pos += 2
                        continue
                    unicode.setdefault(u, glyph)
    elif data[:4] == b"\x72\xb5\x4a\x86":  # PSF2
        _, _, offset, flags, count, size, height, width = struct.unpack_from("<8I", data, 0)
        row_bytes = (width + 7) // 8
        unicode = {}
        if flags & 1:
            pos = offset + count * size
            for glyph in range(count):
                end = data.index(b"\xff", pos)
                entry = data[pos:end].split(b"\xfe")[0]
                for ch in entry.decode("utf-8", "replace"):
                    unicode.setdefault(ord(ch), glyph)
                pos = end + 1
    else:
        raise ValueError("%s: not a PSF font" % path)
    table = {}
    for cp in range(0x20, 0x7F):
        g = unicode.get(cp, cp) if unicode else cp
        raw = data[offset + g * size:offset + (g + 1) * size]
        rows = tuple(int.from_bytes(raw[r * row_bytes:(r + 1) * row_bytes], "big") >> (row_bytes * 8 - width)
                     for r in range(height))
        if rows in table:
            raise ValueError("%s: U+%04X looks like %r" % (path, cp, table[rows]))
        table[rows] = chr(cp)
    return width, height, table


class Screen:
    """A screendump as cells of (character, foreground RGB, background RGB) at one scale;
    '\\0' for a cell that is no glyph of the font in two colours."""

    def __init__(self, ppm, font=FONT):
        self.width, self.height, self.rgb = read_ppm(ppm)
        self.font_w, self.font_h, self.glyphs = font_glyphs(font)

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i:i + 3])

    def cell(self, row, col, scale):
        cw, ch = self.font_w * scale, self.font_h * scale
        x0, y0, w = col * cw, row * ch, self.width
        lines = []
        for gy in range(self.font_h):
            y = y0 + gy * scale
            block = [self.rgb[((y + dy) * w + x0) * 3:((y + dy) * w + x0 + cw) * 3] for dy in range(scale)]
            if any(b != block[0] for b in block[1:]):
                return ("\0", None, None)
            lines.append(block[0])
        colours = {}
        for line in lines:
            for x in range(0, len(line), 3 * scale):
                px = line[x:x + 3 * scale]
                if px != px[:3] * scale:
                    return ("\0", None, None)
                colours[px[:3]] = colours.get(px[:3], 0) + 1
        if len(colours) == 1:
            only = tuple(next(iter(colours)))
            return (" ", only, only)
        if len(colours) != 2:
            return ("\0", None, None)
        # Ink is the rarer colour for every printable glyph of an 8x16 font; try both anyway.
        for ink, paper in sorted(colours, key=lambda c: colours[c]), sorted(colours, key=lambda c: -colours[c]):
            bitmap = tuple(sum(1 << (self.font_w - 1 - i) for i in range(self.font_w)
                               if line[i * 3 * scale:i * 3 * scale + 3] == ink) for line in lines)
            if bitmap in self.glyphs:
                return (self.glyphs[bitmap], tuple(ink), tuple(paper))
        return ("\0", None, None)

    def cells(self, scale):
        """Rows of (char, fg, bg) cells covering the screen at SCALE."""
        cols, rows = self.width // (self.font_w * scale), self.height // (self.font_h * scale)
        return [[self.cell(r, c, scale) for c in range(cols)] for r in range(rows)]

    def text(self, scale):
        """The screen's rows as strings (trailing blanks cut) at SCALE."""
        return ["".join(c[0] for c in row).rstrip(" ") for row in self.cells(scale)]
