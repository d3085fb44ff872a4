#!/usr/bin/env python3
"""Generate the CloudinaryTransform test fixtures from the official Cloudinary Python SDK.

Usage:
    python3 -m venv /tmp/cld && /tmp/cld/bin/pip install cloudinary==1.46.3
    /tmp/cld/bin/python scripts/cloudinary-fixtures.py [--out Tests/CloudinaryTransformTests/Fixtures]

Writes (JSON Lines, one object per line, deterministic for a given SDK version):
  sdk-transformations.jsonl  {"options", "transformation", "resourceType"}: strings the SDK prints
                             (generate_transformation_string) from option dicts covering every parameter
                             the SDK knows; the Swift tests check canonical(parse(s)) == s, that shuffled
                             parameters canonicalise back, and that each string validates.
  sdk-urls.jsonl             {"source", "options", "url", "expected": {...}}: delivery URLs (cloudinary_url)
                             and how they split; "expected" comes from the options we asked for.
  sdk-signatures.jsonl       {"source", "options", "url", "signature", "toSign", "apiSecret"}: signed URLs.

Strings the SDK prints but the docs call invalid (an unbalanced if_, dpr with no size ...) are not
generated here: the generator composes options the way the docs use them. The SDK is a serialiser, not
a validator (see the reference's "SDK behaviour on bad input").
"""
import argparse
import base64
import hashlib
import itertools
import json
import os
import random
import sys
from urllib.parse import unquote

import cloudinary
import cloudinary.utils as cu

SEED = 20261128
rng = random.Random(SEED)

# --------------------------------------------------------------------------------------------
# Option pools: SDK option -> values as a caller passes them. Each entry is (options, note).
# "context" options make a qualifier meaningful (a gravity needs a crop ...).
# --------------------------------------------------------------------------------------------

CROPS_ANY = ["scale", "fit", "limit", "mfit", "pad", "lpad", "mpad", "fill", "lfill", "crop", "thumb",
             "auto", "imagga_crop", "imagga_scale"]
CROPS_AUTO_GRAVITY = ["fill", "lfill", "thumb", "crop", "auto"]
COMPASS = ["north_west", "north", "north_east", "west", "center", "east", "south_west", "south",
           "south_east", "xy_center"]
SPECIAL_GRAVITY = ["face", "faces", "adv_face", "adv_faces", "adv_eyes", "body", "ocr_text", "custom",
                   "face:center", "faces:center", "custom:face", "custom:faces", "custom:adv_face",
                   "custom:adv_faces", "body:face", "ocr_text:adv_ocr"]
AUTO_GRAVITY = ["auto", "auto:subject", "auto:classic", "auto:face", "auto:faces", "auto:body",
                "auto:adv_face", "auto:no_faces", "auto:custom_no_override", "auto:dog", "auto:cat_30",
                "auto:person_avoid", "auto:bowl:cup", "auto:ocr_text"]
EFFECTS = ["sepia", "sepia:50", "grayscale", "blackwhite", "blur:300", "blur_faces", "blur_region:800",
           "pixelate:20", "pixelate_faces:10", "brightness:30", "brightness:-20", "contrast:50",
           "saturation:-50", "vibrance:40", "hue:40", "gamma:50", "sharpen", "sharpen:400",
           "unsharp_mask:200", "vignette:30", "oil_paint:40", "negate", "red:50", "green:-20", "blue:30",
           "auto_brightness", "auto_color", "auto_contrast", "improve", "improve:outdoor:50", "fill_light:30",
           "viesus_correct", "cartoonify", "cartoonify:40:bw", "outline", "outline:outer:15:200",
           "shadow:40", "colorize:60", "tint:50:blue:yellow", "replace_color:maroon:80:2b38aa",
           "trim", "trim:10", "make_transparent:20", "art:incognito", "art:zorro", "assist_colorblind:20",
           "simulate_colorblind:deuteranopia", "redeye", "adv_redeye", "vectorize:colors:3", "noise:40",
           "ordered_dither:3", "distort:40:10:160:50:150:170:20:140", "shear:20:0", "multiply", "screen",
           "overlay", "mask", "cut_out", "anti_removal:90", "background_removal", "bgremoval",
           "gen_remove:prompt_dog", "gen_restore", "upscale", "enhance", "dropshadow", "dropshadow:azimuth_220",
           "extract:prompt_cat", "gen_recolor:prompt_shirt;to-color_red", "theme:color_black:photosensitivity_110",
           "opacity_threshold:40", "recolor:0.2:0.3:0.5:0.6:0.2:0.1:0.3:0.3:0.4", "loop", "loop:2",
           "boomerang", "deshake", "fade:2000", "fade:-3000", "reverse", "accelerate:100", "volume:50",
           "volume:mute", "noise:50", "preview:duration_5", "progressbar", "zoompan", "transition"]
EFFECT_DICTS = [{"sepia": 80}, {"blur": 500}, {"pixelate": 30}, {"brightness": 40}]
EFFECT_LISTS = [["sepia", 70], ["outline", "inner", 5], ["shadow", 50]]
VIDEO_EFFECTS = {"loop", "boomerang", "deshake", "fade", "reverse", "accelerate", "volume", "preview",
                 "progressbar", "transition", "noise"}
FLAGS = ["progressive", "progressive:semi", "progressive:steep", "lossy", "keep_iptc", "keep_attribution",
         "strip_profile", "force_strip", "attachment", "attachment:my_file", "any_format", "animated",
         "awebp", "apng", "png8", "png24", "png32", "preserve_transparency", "ignore_aspect_ratio",
         "immutable_cache", "getinfo", "clip", "clip_evenodd", "force_icc", "tiled", "no_overflow",
         "region_relative", "rasterize", "sanitize", "mono", "text_no_trim", "text_disallow_overflow",
         "tiff8_lzw", "cutter", "replace_image", "keep_dar", "truncate_ts", "waveform", "hlsv3",
         "streaming_attachment", "no_stream", "splice", "group4", "c2pa", "draco", "ignore_mask_channels"]
FLAG_LISTS = [["progressive", "lossy"], ["keep_iptc", "strip_profile"], ["attachment", "lossy"],
              ["any_format", "progressive:semi"]]
FORMATS = ["auto", "jpg", "png", "webp", "avif", "gif", "jxl", "heic", "tiff", "bmp", "pdf", "svg", "ico",
           "jp2", "wdp", "psd"]
VIDEO_FORMATS = ["mp4", "webm", "mov", "m3u8", "mpd", "ogv", "mkv", "flv", "mp3", "wav", "aac"]
COLORS = ["white", "black", "red", "blue", "skyblue", "gold", "transparent", "lightgray", "#ff0000",
          "#FC0", "#ffcc0080", "#f0a8", "rgb:00ff00", "rgb:abc", "rgb:ffffff80"]
BACKGROUNDS = COLORS + ["auto", "auto:border", "auto:predominant", "auto:border_contrast",
                        "auto:predominant_contrast", "auto:predominant_gradient",
                        "auto:predominant_gradient_contrast:4", "auto:border_gradient:2:vertical",
                        "blurred", "blurred:400", "blurred:400:15", "gen_fill", "gen_fill:prompt_grass"]
QUALITIES = [1, 10, 50, 80, 90, 100, "80:420", "90:444", "auto", "auto:best", "auto:good", "auto:eco",
             "auto:low", "jpegmini", "jpegmini:1", "jpegmini:2", "60"]
ANGLES = [0, 90, -20, 45.5, 180, "auto_right", "auto_left", "ignore", "vflip", "hflip", ["vflip", "hflip"],
          ["hflip", 45]]
OPACITIES = [0, 10, 50, 75, 100, 33.5]
RADII = [10, 0, 25.5, "max", [10, 20], [10, 20, 30], [10, 20, 30, 40], "20:0"]
DPRS = [1.0, 2.0, 3.0, 1.5, "auto", 2, 1, 0.75]
ZOOMS = [0.5, 1.5, 2, 1.2, 0.75]
ASPECTS = ["16:9", "4:3", "1:1", "3:2", "9:16", "21:9", 1.5, 0.75, "1.77", 2.0, "4:5", "1.91:1"]
WIDTHS_PX = [100, 300, 400, 640, 800, 1024, 1920, 50, 250, 1]
HEIGHTS_PX = [100, 200, 300, 450, 600, 1080, 80, 1]
WIDTHS_REL = [0.5, 0.25, 1.0, 0.1, 0.75, 2.0, 1.5]
XY_PX = [0, 10, -10, 50, 100, -25, 200]
XY_REL = [0.1, 0.5, 0.25, -0.2, 0.75]
BORDERS = ["5px_solid_black", "1px_solid_white", "10px_solid_rgb:ff0000", {"width": 3, "color": "#00ff00"},
           {"width": 2}, {"color": "blue"}, "4px_solid_rgb:0008"]
AUDIO_CODECS = ["aac", "mp3", "vorbis", "none", "opus"]
AUDIO_FREQ = [8000, 11025, 16000, 22050, 32000, 37800, 44056, 44100, 47250, 48000, 88200, 96000, 176400,
              192000, "iaf"]
BIT_RATES = [500000, "500k", "2m", "1m:constant", "800k:constant", 250000]
VIDEO_CODECS = ["auto", "h264", "h265", "vp8", "vp9", "prores", "theora", "none", "av1",
                {"codec": "h264", "profile": "baseline"}, {"codec": "h264", "profile": "main", "level": "3.1"},
                {"codec": "h264", "profile": "high", "level": "4.1", "b_frames": False}, "h265:main:5.0"]
STREAMING = ["4k", "full_hd", "hd", "sd", "full_hd_wifi", "full_hd_lean", "hd_lean", "my_custom_profile"]
COLOR_SPACES = ["srgb", "tinysrgb", "cmyk", "no_cmyk", "keep_cmyk", "copy", "icc:custom_profile.icc"]
DEFAULT_IMAGES = ["avatar.png", "placeholder.jpg", "defaults:avatar.png", "no_image.gif"]
DELAYS = [20, 100, 500, 0, 1000]
DENSITIES = [72, 150, 300, 600]
PAGES = [1, 2, "2-4", "1;3;5", "3-", "name:main_layer", "embedded:2", "-2"]
PREFIXES = ["fancy", "my_sprite", "icons"]
VIDEO_SAMPLING = [10, 20, "2.5s", "1s", "0.5s"]
FPS = [24, 30, 29.97, "24-30", "25-", "-30", [24, 30], [15, 29.97]]
KEYFRAMES = [2, 10, 0.5, "3.0", 1.5]
DURATIONS = [10, 2.5, "35%", "50p", "10p", 0]
START_OFFSETS = [0, 2.5, 5, "auto", "10p", "30%", "idu_mul_0.2"]
END_OFFSETS = [3, 10.5, "90p", "75%", "idu_sub_2"]
OFFSETS = [[2.5, 10], ["10p", "90p"], "1..5", "2.5..7", "10%..50%"]
NAMED = ["thumb", "my_named", "banner-wide", ["thumb", "rounded"], ["a", "b", "c"]]
CUSTOM_FUNCTIONS = [{"function_type": "wasm", "source": "blur.wasm"},
                    {"function_type": "remote", "source": "https://example.com/fn"},
                    {"function_type": "wasm", "source": "folder:fn.wasm"}]
CUSTOM_PRE = [{"function_type": "remote", "source": "https://example.com/pre"}]
LAYERS = ["logo", "folder:logo", {"public_id": "folder/badge"}, {"public_id": "sale", "format": "png"},
          {"resource_type": "video", "public_id": "dog"}, {"type": "private", "public_id": "secret_logo"},
          {"font_family": "Arial", "font_size": 40, "text": "Hello World"},
          {"font_family": "Roboto", "font_size": 24, "font_weight": "bold", "text": "Sale, 50% off / today"},
          {"font_family": "Times", "font_size": 30, "font_style": "italic", "text_decoration": "underline",
           "text": "Quote: 'hi'"},
          {"font_family": "Arial", "font_size": 18, "text_align": "center", "letter_spacing": 4,
           "line_spacing": -2, "text": "Multi line"},
          {"font_family": "Verdana", "font_size": 50, "stroke": "stroke", "text": "Bordered"},
          {"font_family": "Arial", "font_size": 20, "text": "Price $(price)"},
          {"font_family": "Arial", "font_size": 12, "font_antialiasing": "fast", "font_hinting": "slight",
           "text": "Hint"},
          {"text_style": "my_style", "text": "Styled text"},
          {"resource_type": "subtitles", "public_id": "sample_sub_en.srt"},
          {"resource_type": "subtitles", "font_family": "Arial", "font_size": 20, "public_id": "subs.srt"},
          {"url": "https://example.com/images/logo.png"}, "fetch:https://example.com/a%20b.png",
          {"resource_type": "image", "public_id": "plain"}]
UNDERLAYS = ["paper", "folder:texture", {"public_id": "bg/wood"}]
IF_CONDITIONS = ["w_gt_400", "width > 400", "ar_lt_1.0", "aspect_ratio < 0.8", "fc_gte_1", "face_count >= 2",
                 "h_lte_300", "initial_width > 1000 && initial_height > 1000", "w_gt_300_or_h_gt_300",
                 "!sale!_in_tags", "page_count > 1", "iw_ne_ih", "illustration_score > 0.5",
                 "ctx:!category!_eq_!shoes!", "w_mul_2_gt_800"]
EXPRESSION_WIDTHS = ["iw_mul_0.5", "initial_width * 0.25", "width / 2", "iw_div_3", "$w", "$w_add_100",
                     "ih * ar", "initial_height / 4"]
VARIABLES = [("$w", 300), ("$h", "200"), ("$size", "iw_div_2"), ("$label", "!Hello!"), ("$ratio", 1.5),
             ("$img", "!sample!"), ("$mx", "initial_width * 0.1"), ("$bg", "!white!"), ("$ar2", "ar_mul_2")]

# Applicability, for the "resourceType" field (video-only options are checked with a video context).
VIDEO_ONLY = {"audio_codec", "audio_frequency", "bit_rate", "duration", "end_offset", "start_offset", "offset",
              "fps", "keyframe_interval", "streaming_profile", "video_codec", "video_sampling"}
IMAGE_ONLY = {"color_space", "default_image", "delay", "density", "custom_function", "custom_pre_function",
              "page"}


def gen(**options):
    """What the SDK prints for these options (the transformation string only)."""
    return cu.generate_transformation_string(**json.loads(json.dumps(options)))[0]


def jsonable(value):
    return json.loads(json.dumps(value))


records = []
seen = set()


def add(options, resource_type=None, note=None):
    options = jsonable(options)
    try:
        s = gen(**options)
    except ValueError:
        return
    if not s or s in seen:
        return
    seen.add(s)
    record = {"options": options, "transformation": s}
    if resource_type:
        record["resourceType"] = resource_type
    if note:
        record["note"] = note
    records.append(record)


def media_of(options):
    keys = set()
    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                keys.add(k)
                if k == "transformation" and isinstance(v, list):
                    for item in v:
                        walk(item)
    walk(options)
    if keys & VIDEO_ONLY:
        return "video"
    if keys & IMAGE_ONLY:
        return "image"
    return None


def sized(crop=None, mode="px"):
    """A crop with a width and/or height in one unit system."""
    o = {}
    if crop:
        o["crop"] = crop
    which = rng.choice(["w", "h", "wh", "wh"])
    if mode == "px":
        if "w" in which:
            o["width"] = rng.choice(WIDTHS_PX)
        if "h" in which:
            o["height"] = rng.choice(HEIGHTS_PX)
    else:
        if "w" in which:
            o["width"] = rng.choice(WIDTHS_REL)
        if "h" in which:
            o["height"] = rng.choice(WIDTHS_REL)
    return o


def singles():
    """Each value of each option at least once, with what makes it meaningful."""
    for c in CROPS_ANY:
        add({"crop": c, "width": 300, "height": 200})
        add({"crop": c, "width": rng.choice(WIDTHS_PX)})
    for c in ["fill_pad", "auto_pad"]:
        add({"crop": c, "gravity": "auto", "width": 400, "height": 300, "background": "auto"})
    for g in COMPASS + SPECIAL_GRAVITY:
        add({"crop": rng.choice(["fill", "crop", "thumb", "pad", "lfill"]), "gravity": g, "width": 200, "height": 200})
    for g in AUTO_GRAVITY:
        add({"crop": rng.choice(CROPS_AUTO_GRAVITY), "gravity": g, "width": 400, "height": 300})
    add({"crop": "scale", "gravity": "liquid", "width": 500})
    for w in WIDTHS_PX + WIDTHS_REL + ["auto", "auto:100", "auto:50:1000", "auto:breakpoints",
                                        "auto:breakpoints_200_1920_20_15:json", "ow"]:
        add({"crop": "limit" if str(w).startswith("auto") else "scale", "width": w})
    for h in HEIGHTS_PX + WIDTHS_REL + ["oh"]:
        add({"crop": "scale", "height": h})
    for w in EXPRESSION_WIDTHS:
        if w.startswith("$"):
            add({"$w": 400, "crop": "scale", "width": w})
        else:
            add({"crop": "scale", "width": w})
    for a in ASPECTS:
        add({"crop": "fill", "aspect_ratio": a, "width": 600})
        add({"crop": "crop", "aspect_ratio": a, "gravity": "auto"})
    for d in DPRS:
        add({"crop": "scale", "width": 300, "dpr": d})
    for z in ZOOMS:
        add({"crop": "thumb", "gravity": "face", "width": 150, "height": 150, "zoom": z})
    for x in XY_PX:
        add({"crop": "crop", "width": 300, "height": 200, "x": x, "y": rng.choice(XY_PX)})
    for x in XY_REL:
        add({"crop": "crop", "width": 0.5, "height": 0.5, "x": x, "y": rng.choice(XY_REL)})
    add({"crop": "crop", "gravity": "xy_center", "x": 300, "y": 200, "width": 100, "height": 100})
    for q in QUALITIES:
        add({"quality": q})
    for f in FORMATS:
        add({"fetch_format": f})
    for f in VIDEO_FORMATS:
        add({"fetch_format": f}, "video")
    for a in ANGLES:
        add({"angle": a})
    for o in OPACITIES:
        add({"opacity": o})
    for r in RADII:
        add({"radius": r})
    for e in EFFECTS:
        add({"effect": e}, "video" if e.split(":")[0] in VIDEO_EFFECTS else None)
    for e in EFFECT_DICTS + EFFECT_LISTS:
        add({"effect": e})
    for fl in FLAGS:
        add({"flags": fl})
    for fl in FLAG_LISTS:
        add({"flags": fl})
    for b in BACKGROUNDS:
        add({"background": b, "crop": "pad", "width": 400, "height": 400})
    for co in COLORS:
        add({"color": co, "effect": "colorize:50"})
        add({"overlay": {"font_family": "Arial", "font_size": 30, "text": "Hi"}, "color": co})
    for bo in BORDERS:
        add({"border": bo})
    for v in AUDIO_CODECS:
        add({"audio_codec": v}, "video")
    for v in AUDIO_FREQ:
        add({"audio_frequency": v}, "video")
    for v in BIT_RATES:
        add({"bit_rate": v}, "video")
    for v in VIDEO_CODECS:
        add({"video_codec": v}, "video")
    for v in STREAMING:
        add({"streaming_profile": v}, "video")
    for v in COLOR_SPACES:
        add({"color_space": v}, "image")
    for v in DEFAULT_IMAGES:
        add({"default_image": v, "crop": "fill", "width": 200, "height": 200}, "image")
    for v in DELAYS:
        add({"delay": v}, "image")
    for v in DENSITIES:
        add({"density": v}, "image")
    for v in PAGES:
        add({"page": v}, "image")
    for v in PREFIXES:
        add({"prefix": v})
    for v in VIDEO_SAMPLING:
        add({"video_sampling": v}, "video")
    for v in FPS:
        add({"fps": v}, "video")
    for v in KEYFRAMES:
        add({"keyframe_interval": v}, "video")
    for v in DURATIONS:
        add({"duration": v}, "video")
    for v in START_OFFSETS:
        add({"start_offset": v}, "video")
    for v in END_OFFSETS:
        add({"end_offset": v}, "video")
    for v in OFFSETS:
        add({"offset": v}, "video")
    for v in NAMED:
        add({"transformation": v})
    for v in CUSTOM_FUNCTIONS:
        add({"custom_function": v}, "image")
    for v in CUSTOM_PRE:
        add({"custom_pre_function": v}, "image")
    for layer in LAYERS:
        add({"overlay": layer})
        add({"overlay": layer, "width": 100, "crop": "scale", "gravity": rng.choice(COMPASS[:-1])})
    for layer in UNDERLAYS:
        add({"underlay": layer, "width": 1.0, "flags": "relative"})
    for condition in IF_CONDITIONS:
        add({"transformation": [{"if": condition}, {"crop": "scale", "width": 300}, {"if": "end"}]})
        add({"if": condition, "crop": "fill", "width": 200, "height": 200})
    for name, value in VARIABLES:
        add({name: value, "crop": "scale", "width": "$" + name[1:] if not str(value).startswith("!") else 100})


def combos(n):
    """Random components of 3 to 6 parameters, 1 to 3 components per string."""
    def component():
        mode = rng.choice(["px", "px", "px", "rel"])
        kind = rng.choice(["crop", "crop", "auto", "effect", "layer", "misc", "video", "expr"])
        o = {}
        media = None
        if kind == "crop":
            o.update(sized(rng.choice(CROPS_ANY), mode))
            if o["crop"] in ("fill", "crop", "thumb", "lfill") and rng.random() < 0.6:
                o["gravity"] = rng.choice(COMPASS + SPECIAL_GRAVITY)
            if o["crop"] in ("pad", "lpad", "mpad") and rng.random() < 0.7:
                o["background"] = rng.choice(BACKGROUNDS)
            if o["crop"] == "crop" and rng.random() < 0.5:
                o["x"] = rng.choice(XY_PX if mode == "px" else XY_REL)
                o["y"] = rng.choice(XY_PX if mode == "px" else XY_REL)
        elif kind == "auto":
            o["crop"] = rng.choice(CROPS_AUTO_GRAVITY + ["fill_pad", "auto_pad"])
            o["gravity"] = rng.choice(AUTO_GRAVITY)
            o.update({k: v for k, v in sized(None, "px").items()})
            if rng.random() < 0.5:
                o["aspect_ratio"] = rng.choice(ASPECTS)
            if o["crop"] in ("fill_pad", "auto_pad"):
                o["background"] = rng.choice(["auto", "white", "auto:predominant"])
        elif kind == "effect":
            o["effect"] = rng.choice(EFFECTS[:70])
            if rng.random() < 0.5:
                o["radius"] = rng.choice(RADII)
            if rng.random() < 0.5:
                o["angle"] = rng.choice(ANGLES)
            if rng.random() < 0.5:
                o["opacity"] = rng.choice(OPACITIES)
            if rng.random() < 0.3:
                o["border"] = rng.choice(BORDERS)
        elif kind == "layer":
            o["overlay"] = rng.choice(LAYERS)
            o.update(sized("scale", "px"))
            o["gravity"] = rng.choice(COMPASS[:-1])
            o["x"] = rng.choice(XY_PX)
            o["y"] = rng.choice(XY_PX)
            if rng.random() < 0.4:
                o["opacity"] = rng.choice(OPACITIES)
        elif kind == "misc":
            o["quality"] = rng.choice(QUALITIES)
            o.update(sized(rng.choice(["scale", "fit", "limit"]), "px"))
            if "width" in o or "height" in o:
                o["dpr"] = rng.choice(DPRS)
            if rng.random() < 0.5:
                o["flags"] = rng.choice(FLAGS + FLAG_LISTS)
            if rng.random() < 0.3:
                o["fetch_format"] = rng.choice(FORMATS[1:])
        elif kind == "video":
            media = "video"
            for option, pool in [("video_codec", VIDEO_CODECS), ("audio_codec", AUDIO_CODECS),
                                 ("bit_rate", BIT_RATES), ("start_offset", START_OFFSETS),
                                 ("end_offset", END_OFFSETS), ("fps", FPS), ("audio_frequency", AUDIO_FREQ),
                                 ("keyframe_interval", KEYFRAMES), ("streaming_profile", STREAMING)]:
                if rng.random() < 0.4:
                    o[option] = rng.choice(pool)
            o.update(sized(rng.choice(["scale", "fill", "limit", "pad"]), "px"))
        else:
            name, value = rng.choice(VARIABLES)
            o[name] = value
            o["crop"] = rng.choice(["scale", "fill", "limit"])
            o["width"] = rng.choice(EXPRESSION_WIDTHS)
            if o["width"].startswith("$w") and name != "$w":
                o["$w"] = 500
            if rng.random() < 0.5:
                o["height"] = rng.choice(["ih_mul_0.5", "initial_height / 2", "$h" if name == "$h" else "ih_div_3"])
        return o, media

    made = 0
    while made < n:
        parts = [component() for _ in range(rng.choice([1, 1, 2, 2, 3]))]
        media = {m for _, m in parts if m}
        if len(parts) == 1:
            options = parts[0][0]
        else:
            options = dict(parts[-1][0])
            options["transformation"] = [p for p, _ in parts[:-1]]
            if any("overlay" in p or "underlay" in p for p, _ in parts[:-1]) and rng.random() < 0.7:
                pass
        # A layer in a non-final component is closed with fl_layer_apply, as the docs write it.
        before = len(records)
        add(options, media.pop() if media else None)
        if len(records) > before:
            made += 1
    # Layers with their own transformations closed by fl_layer_apply.
    for layer in LAYERS:
        add({"transformation": [{"crop": "fill", "width": 800, "height": 450, "gravity": "auto"},
                                {"overlay": layer, "width": 0.3, "flags": "relative"},
                                {"flags": "layer_apply", "gravity": rng.choice(COMPASS[:-1]),
                                 "x": rng.choice(XY_PX), "y": rng.choice(XY_PX)}],
             "fetch_format": "auto"})
    # if / else / end, and responsive width.
    for condition in IF_CONDITIONS[:8]:
        add({"transformation": [{"if": condition}, {"crop": "fill", "width": 400, "height": 400},
                                {"if": "else"}, {"crop": "fit", "width": 300}, {"if": "end"},
                                {"quality": "auto"}]})
        add({"transformation": [{"if": condition, "crop": "scale", "width": 500},
                                {"if": "else", "crop": "scale", "width": 200}]})
    add({"crop": "fill", "width": 300, "height": 300, "responsive_width": True})
    add({"variables": [["$a", 10], ["$b", "$a_mul_2"]], "crop": "scale", "width": "$b"})
    add({"$small": 150, "$big": 600, "if": "w_gt_1000", "crop": "scale", "width": "$big"})


# Texts a manifest's overlay may carry, as the SDK escapes them in a text layer (the planner
# writes its own text layers and must escape them the same way).
OVERLAY_TEXTS = ["Sale: 10~20", "50% off, today / only", "Q&A? #1 = [best]", "Ünïcödé — “quoted” 'single'",
                 "a  b", "x+y;!*()@", "tilde~ colon: caret^ pipe| back\\slash"]


def overlay_texts():
    for text in OVERLAY_TEXTS:
        add({"overlay": {"font_family": "Arial", "font_size": 60, "text": text}}, note="overlay-text")
    # A font family's spaces are left as they are.
    add({"overlay": {"font_family": "Open Sans", "font_size": 20, "text": "Hi"}}, note="overlay-font")


def transformation_fixtures():
    singles()
    combos(420)
    overlay_texts()
    return records


# --------------------------------------------------------------------------------------------
# URLs and signatures
# --------------------------------------------------------------------------------------------

CLOUDS = ["demo", "my-cloud", "acme123"]
PUBLIC_IDS = ["sample", "folder/sample", "a/b/c/deep_image", "hero banner", "ünïcödé/naïve", "v1234abc",
              "dog", "products/shoe-red_01", "weird:colon", "100%real", "multi.dot.name", "path//double"]
TRANSFORMS = [None, {"crop": "fill", "width": 300, "height": 200}, {"width": 100},
              {"transformation": [{"crop": "scale", "width": 500}], "effect": "sepia"},
              {"quality": "auto", "fetch_format": "auto"}, {"angle": 90}, {"overlay": "logo", "gravity": "north"}]


def public_id_of(source):
    return cu.smart_escape(unquote(source))


def url_record(source, options, expected_overrides=None):
    options = jsonable(options)
    url, _ = cu.cloudinary_url(source, **dict(options))
    resource_type = options.get("resource_type", "image")
    type_ = options.get("type", "upload")
    transformation_options = {k: v for k, v in options.items()
                              if k not in ("cloud_name", "secure", "private_cdn", "cname", "secure_distribution",
                                           "cdn_subdomain", "secure_cdn_subdomain", "resource_type", "type",
                                           "version", "format", "url_suffix", "use_root_path", "shorten",
                                           "sign_url", "api_secret", "long_url_signature", "signature_algorithm",
                                           "force_version")}
    if type_ == "fetch" and options.get("format"):
        transformation_options["fetch_format"] = options["format"]
    transformation = cu.generate_transformation_string(**transformation_options)[0] or None
    fmt = options.get("format")
    if type_ == "fetch":
        public_id = cu.smart_escape(source)
        fmt = None
    else:
        public_id = public_id_of(source)
    import re
    public_id = re.sub(r'([^:])/+', r'\1/', public_id)
    version = options.get("version")
    if not version and options.get("force_version", True) is not False and "/" in public_id \
            and not re.match(r'^https?:/', public_id) and not re.match(r'^v[0-9]+', public_id):
        version = 1
    cloud = options["cloud_name"]
    if options.get("private_cdn") and options.get("secure_distribution"):
        cloud = None
    signature = None
    if options.get("sign_url"):
        m = re.search(r'/(s--[A-Za-z0-9_-]+--)/', url)
        signature = m.group(1)
    # How the URL reads, which is what a parser can know: a version-like first folder is the version
    # (the SDK adds no v1 because the id "already has one"), and for image/video the last ".ext" of
    # the last segment is the delivery format even when the public id itself contains the dot.
    if not version and re.match(r'^v[0-9]+/', public_id):
        version, public_id = public_id.split("/", 1)
        version = version[1:]
    if resource_type in ("image", "video") and type_ != "fetch" and fmt is None \
            and options.get("url_suffix") is None and "." in public_id.rsplit("/", 1)[-1]:
        public_id, fmt = public_id.rsplit(".", 1)
    expected = {"cloudName": cloud, "resourceType": resource_type, "type": type_, "signature": signature,
                "transformation": transformation, "version": str(version) if version else None,
                "publicId": public_id, "format": fmt, "urlSuffix": options.get("url_suffix")}
    if expected_overrides:
        expected.update(expected_overrides)
    return {"source": source, "options": options, "url": url, "expected": expected}


def url_fixtures():
    out = []
    combos_ = []
    for cloud in CLOUDS:
        for pid in PUBLIC_IDS:
            combos_.append((pid, {"cloud_name": cloud, "secure": True}))
    for i, (pid, base) in enumerate(combos_):
        options = dict(base)
        t = TRANSFORMS[i % len(TRANSFORMS)]
        if t:
            options.update(t)
        if i % 3 == 0:
            options["format"] = ["jpg", "png", "webp"][i % 3 // 1 % 3]
        if i % 5 == 1:
            options["version"] = 1700000000 + i
        out.append(url_record(pid, options))
    # Resource types, delivery types, secure/not, CDN variants.
    for rt, ty in [("video", "upload"), ("raw", "upload"), ("image", "private"), ("image", "authenticated"),
                   ("video", "authenticated"), ("image", "facebook"), ("image", "twitter_name"),
                   ("image", "youtube"), ("image", "sprite"), ("video", "private")]:
        options = {"cloud_name": "demo", "resource_type": rt, "type": ty}
        if rt == "video":
            options.update({"width": 640, "crop": "scale", "format": "mp4"})
        source = "docs/report.pdf" if rt == "raw" else "clip" if rt == "video" else "sample"
        out.append(url_record(source, options))
    for opts in [{"secure": False}, {"secure": False, "cdn_subdomain": True}, {"secure": True, "cdn_subdomain": True},
                 {"secure": False, "private_cdn": True}, {"secure": True, "private_cdn": True},
                 {"secure": False, "private_cdn": True, "cdn_subdomain": True},
                 {"secure": False, "cname": "images.example.com"},
                 {"secure": False, "cname": "images.example.com", "cdn_subdomain": True},
                 {"secure": True, "private_cdn": True, "secure_distribution": "cdn.example.com"},
                 {"secure": True, "secure_distribution": "res.cloudinary.com"}]:
        options = {"cloud_name": "demo", "width": 200, "crop": "scale"}
        options.update(opts)
        out.append(url_record("sample", dict(options, format="jpg")))
        out.append(url_record("folder/sample", options))
    # SEO suffixes, shortened, root path, fetch.
    out.append(url_record("sample", {"cloud_name": "demo", "url_suffix": "hello-world", "format": "jpg"}))
    out.append(url_record("folder/sample", {"cloud_name": "demo", "url_suffix": "nice_name", "format": "png",
                                            "width": 100}))
    out.append(url_record("docs/report.pdf", {"cloud_name": "demo", "resource_type": "raw", "url_suffix": "report"}))
    out.append(url_record("sample", {"cloud_name": "demo", "private_cdn": True, "url_suffix": "seo-name",
                                     "format": "jpg"}))
    out.append(url_record("sample", {"cloud_name": "demo", "shorten": True, "format": "jpg"}))
    out.append(url_record("sample", {"cloud_name": "demo", "shorten": True, "width": 10}))
    out.append(url_record("sample", {"cloud_name": "demo", "use_root_path": True, "format": "jpg"}))
    out.append(url_record("sample", {"cloud_name": "demo", "use_root_path": True, "format": "png", "angle": 10}))
    out.append(url_record("https://example.com/images/pic.jpg", {"cloud_name": "demo", "type": "fetch"}))
    out.append(url_record("https://example.com/images/pic with space.jpg",
                          {"cloud_name": "demo", "type": "fetch", "width": 300, "crop": "fill", "format": "webp"}))
    out.append(url_record("http://upload.wikimedia.org/wiki/Logo.png", {"cloud_name": "demo", "type": "fetch",
                                                                          "quality": "auto"}))
    out.append(url_record("folder/sample", {"cloud_name": "demo", "force_version": False}))
    out.append(url_record("v1234/sample", {"cloud_name": "demo", "format": "jpg"}))
    # Transformations from the transformation fixtures, on assorted public ids.
    for i in range(24):
        options = dict(records[(i * 37) % len(records)]["options"])
        options.update({"cloud_name": CLOUDS[i % 3], "secure": i % 4 != 0})
        if i % 2:
            options["format"] = ["jpg", "png", "webp", "avif"][i % 4]
        out.append(url_record(PUBLIC_IDS[i % len(PUBLIC_IDS)], options))
    for pid in ["sample", "folder/sample"]:
        for secret in ["secret", "abcd"]:
            out.append(url_record(pid, {"cloud_name": "demo", "sign_url": True, "api_secret": secret,
                                        "width": 300, "crop": "fill", "format": "jpg"}))
    return out


def signature_fixtures():
    out = []
    secrets = ["api_secret_value", "abcd", "a1b2c3d4e5", "s3cr3t-with-dash", "Zz9"]
    cases = [
        ("sample", {"width": 300, "crop": "fill"}),
        ("folder/sample", {"crop": "scale", "width": 100}),
        ("sample", {}),
        ("image", {"version": 1234, "format": "jpg"}),
        ("image", {"format": "jpg"}),
        ("hero banner", {"effect": "sepia", "quality": "auto"}),
        ("https://example.com/a.jpg", {"type": "fetch", "width": 200}),
        ("clip", {"resource_type": "video", "width": 640, "crop": "scale", "format": "mp4"}),
        ("docs/report.pdf", {"resource_type": "raw"}),
        ("sample", {"url_suffix": "my-name", "format": "jpg", "width": 50}),
        ("sample", {"type": "authenticated", "transformation": [{"crop": "fill", "width": 10, "height": 10}],
                    "angle": 90}),
        ("ünïcödé/naïve", {"width": 80}),
    ]
    variants = [{}, {"long_url_signature": True}, {"signature_algorithm": "sha256"}]
    i = 0
    for pid, opts in cases:
        for variant in variants:
            secret = secrets[i % len(secrets)]
            i += 1
            options = {"cloud_name": "demo", "sign_url": True, "api_secret": secret}
            options.update(opts)
            options.update(variant)
            record = url_record(pid, options)
            url = record["url"]
            sig = record["expected"]["signature"]
            # What the SDK signs: transformation/source_to_sign (no version, no suffix).
            t = record["expected"]["transformation"]
            source_to_sign = record["expected"]["publicId"] + (("." + record["expected"]["format"])
                                                              if record["expected"]["format"] else "")
            to_sign = "/".join(x for x in [t, source_to_sign] if x)
            algo = hashlib.sha256 if (variant.get("long_url_signature") or
                                      variant.get("signature_algorithm") == "sha256") else hashlib.sha1
            n = 32 if variant.get("long_url_signature") else 8
            check = "s--" + base64.urlsafe_b64encode(algo((to_sign + secret).encode()).digest())[:n].decode() + "--"
            assert check == sig, (check, sig, url)
            out.append({"source": pid, "options": options, "url": url, "signature": sig, "toSign": to_sign,
                        "apiSecret": secret, "expected": record["expected"]})
    return out


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests",
                                                      "CloudinaryTransformTests", "Fixtures"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cloudinary.reset_config()
    cloudinary.config(cloud_name=None, api_secret=None)
    transformations = transformation_fixtures()
    urls = url_fixtures()
    signatures = signature_fixtures()
    write_jsonl(os.path.join(args.out, "sdk-transformations.jsonl"), transformations)
    write_jsonl(os.path.join(args.out, "sdk-urls.jsonl"), urls)
    write_jsonl(os.path.join(args.out, "sdk-signatures.jsonl"), signatures)
    print(f"cloudinary {cloudinary.VERSION}: {len(transformations)} transformations, {len(urls)} URLs, "
          f"{len(signatures)} signatures -> {os.path.normpath(args.out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
