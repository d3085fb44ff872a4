#!/usr/bin/env python3
"""Compares the cascade models of Debian's opencv-data on TestImages' annotated faces.

Why the engine ships the Haar cascades and not the LBP ones: the LBP models cost less per
window, so this measures what they would give up. Every model runs through OpenCV's own
detectMultiScale (the reference implementation of these models) under the settings the
engine's search uses: the image scaled to 800 px on its longer side, windows from 20 px,
a window ratio of 1.12, more than 3 neighbours (OpenCV's minNeighbors 3). Profile models also
run on the mirrored image, as the engine does. Scoring is scripts/evaluate-crops.py's: recall on
annotated faces at least 40 px high (a detection counts at IoU >= 0.4), and false detections
(overlapping no annotated face at IoU >= 0.4) per image. Times are OpenCV's, one thread, summed
over the images: a ratio between models, not the engine's cost.

Usage:
  apt-get download opencv-data && dpkg -x opencv-data_*.deb /tmp/ocv
  pip install 'opencv-python-headless<5'     # 5.0 dropped CascadeClassifier
  python3 scripts/compare-face-models.py --models /tmp/ocv/usr/share/opencv4
"""
import argparse
import json
import os
import time

import cv2

MODELS = {
    "haar-frontal-alt2": "haarcascades/haarcascade_frontalface_alt2.xml",
    "haar-profile": "haarcascades/haarcascade_profileface.xml",
    "lbp-frontal": "lbpcascades/lbpcascade_frontalface.xml",
    "lbp-frontal-improved": "lbpcascades/lbpcascade_frontalface_improved.xml",
    "lbp-profile": "lbpcascades/lbpcascade_profileface.xml",
}
PROFILES = {"haar-profile", "lbp-profile"}
COMBINATIONS = [
    ["haar-frontal-alt2"],
    ["lbp-frontal"],
    ["lbp-frontal-improved"],
    ["haar-profile"],
    ["lbp-profile"],
    ["haar-frontal-alt2", "haar-profile"],
    ["haar-frontal-alt2", "lbp-profile"],
    ["lbp-frontal", "lbp-profile"],
]


def iou(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def detect(classifier, image, mirrored):
    img = cv2.flip(image, 1) if mirrored else image
    found = classifier.detectMultiScale(img, scaleFactor=1.12, minNeighbors=3, minSize=(20, 20))
    return [(img.shape[1] - x - w if mirrored else x, y, w, h) for (x, y, w, h) in found]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="/usr/share/opencv4", help="opencv-data's share folder")
    parser.add_argument("--images", default="TestImages")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    classifiers = {}
    for name, path in MODELS.items():
        classifier = cv2.CascadeClassifier(os.path.join(args.models, path))
        if classifier.empty():
            raise SystemExit(f"compare-face-models: cannot load {os.path.join(args.models, path)}")
        classifiers[name] = classifier
    annotations = json.load(open(os.path.join(args.images, "annotations.json")))["images"]
    images = []
    for entry in annotations:
        path = os.path.join(args.images, entry["file"])
        grey = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        if grey is None:
            raise SystemExit(f"compare-face-models: cannot read {path}")
        scale = 800 / max(grey.shape)
        small = cv2.resize(grey, (round(grey.shape[1] * scale), round(grey.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        images.append((entry, small, scale))

    # Detections and time per model and image, computed once.
    found, seconds = {}, {}
    for name, classifier in classifiers.items():
        seconds[name] = 0.0
        for k, (_, small, scale) in enumerate(images):
            start = time.perf_counter()
            boxes = detect(classifier, small, False)
            if name in PROFILES:
                boxes += detect(classifier, small, True)
            seconds[name] += time.perf_counter() - start
            found[name, k] = [tuple(v / scale for v in box) for box in boxes]

    print("| models | recall (IoU ≥ 0.4) | false detections / image | OpenCV time, one thread |")
    print("| --- | ---: | ---: | ---: |")
    for combination in COMBINATIONS:
        hits = total = false = 0
        for k, (entry, _, _) in enumerate(images):
            detections = [box for name in combination for box in found[name, k]]
            used = set()
            for face in (f for f in entry["faces"] if f[3] >= 40):
                total += 1
                best = max(range(len(detections)), key=lambda i: iou(face, detections[i]), default=None)
                if best is not None and best not in used and iou(face, detections[best]) >= 0.4:
                    hits += 1
                    used.add(best)
            false += sum(1 for d in detections if all(iou(d, f) < 0.4 for f in entry["faces"]))
        elapsed = sum(seconds[name] for name in combination)
        print(f"| {' + '.join(combination)} | {hits / total:.3f} ({hits}/{total}) | {false / len(images):.3f} ({false}) "
              f"| {elapsed:.2f} s |")


if __name__ == "__main__":
    main()
