#!/usr/bin/env node
/**
 * Draws the Teams app icons into appPackage/:
 *   color.png   192x192 full colour: a teal rounded square with two linked white rings
 *   outline.png  32x32  white linked rings on a transparent background
 *
 * Plain Node (zlib only, no dependencies). The PNGs are committed; run this again
 * only to change the artwork:  node scripts/make-icons.js [outDir]
 */
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

// ---------------------------------------------------------------- PNG writer

/** CRC-32 of PNG chunks and ZIP entries: zlib has it since Node 20.15 (package.json needs 20.19+). */
function crc32(buf) {
  return zlib.crc32(buf) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([len, typeAndData, crc]);
}

/** Encodes straight (non-premultiplied) RGBA pixels as an 8-bit RGBA PNG. */
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type: None
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- drawing

const SUPERSAMPLE = 8; // 8x8 samples per pixel for smooth edges

/** Signed distance to a rounded rectangle centred at (cx, cy); < 0 inside. */
function roundedRectDistance(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - (halfW - radius);
  const qy = Math.abs(y - cy) - (halfH - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

/** True if (x, y) lies on a ring of centre (cx, cy), mid radius r and half width hw. */
function onRing(x, y, cx, cy, r, hw) {
  return Math.abs(Math.hypot(x - cx, y - cy) - r) <= hw;
}

/**
 * Renders an icon by sampling `shade(x, y)` (coordinates in a 0..1 unit square)
 * which returns [r, g, b, a] with components 0..255, or null for transparent.
 */
function render(size, shade) {
  const out = Buffer.alloc(size * size * 4);
  const n = SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0; // premultiplied sums
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          b += c[2] * alpha;
          a += alpha;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
      }
      out[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return out;
}

/**
 * Two interlocking rings, in unit coordinates. The left ring passes over the
 * right one at the top crossing and under it at the bottom crossing; a small gap
 * (painted with `gapColour`) separates the upper strand from the lower one.
 */
function linkedRings({ centreY, offset, radius, halfWidth, gap, ringColour, gapColour, base }) {
  const left = 0.5 - offset;
  const right = 0.5 + offset;
  return (x, y) => {
    let colour = base(x, y);
    if (onRing(x, y, right, centreY, radius, halfWidth)) colour = ringColour;
    // Left ring above the right one (upper half).
    if (onRing(x, y, left, centreY, radius, halfWidth + gap)) colour = gapColour(x, y);
    if (onRing(x, y, left, centreY, radius, halfWidth)) colour = ringColour;
    // Right ring above the left one in the lower half.
    if (y > centreY) {
      if (onRing(x, y, right, centreY, radius, halfWidth + gap)) colour = gapColour(x, y);
      if (onRing(x, y, right, centreY, radius, halfWidth)) colour = ringColour;
    }
    return colour;
  };
}

const WHITE = [255, 255, 255, 255];

function colourIcon() {
  // Vertical teal gradient, #128C9A at the top to #0B5E73 at the bottom.
  const top = [0x12, 0x8c, 0x9a];
  const bottom = [0x0b, 0x5e, 0x73];
  const background = (x, y) => {
    if (roundedRectDistance(x, y, 0.5, 0.5, 0.5, 0.5, 0.21) > 0) return null;
    const t = Math.min(Math.max(y, 0), 1);
    return [0, 1, 2].map((k) => top[k] + (bottom[k] - top[k]) * t).concat(255);
  };
  return render(
    192,
    linkedRings({
      centreY: 0.5,
      offset: 0.13,
      radius: 0.2,
      halfWidth: 0.042,
      gap: 0.03,
      ringColour: WHITE,
      gapColour: background,
      base: background,
    }),
  );
}

function outlineIcon() {
  const transparent = () => null;
  return render(
    32,
    linkedRings({
      centreY: 0.5,
      offset: 0.14,
      radius: 0.25,
      halfWidth: 0.055,
      gap: 0.05,
      ringColour: WHITE,
      gapColour: transparent,
      base: transparent,
    }),
  );
}

function main() {
  const outDir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'appPackage'));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'color.png'), encodePng(192, 192, colourIcon()));
  fs.writeFileSync(path.join(outDir, 'outline.png'), encodePng(32, 32, outlineIcon()));
  console.log(`Wrote color.png (192x192) and outline.png (32x32) to ${outDir}`);
}

if (require.main === module) main();

module.exports = { encodePng, crc32 };
