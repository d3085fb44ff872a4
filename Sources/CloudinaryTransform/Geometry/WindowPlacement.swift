import Foundation

extension GeometryResolution {
    /// Resolves a gravity text to a placement, taking the documented fallbacks (§3.2).
    mutating func resolvePlacement(_ text: String?, spec: GeometryComponentSpec) -> GravityPlacement {
        guard let text else { return .compass(.center) }
        switch GravityKind(text) {
        case .compass(let compass):
            return .compass(compass)
        case .face(let all, let fallback):
            if text.hasPrefix("adv_") || text.hasPrefix("body") {
                note(
                    .info, "add-on-gravity",
                    "g_\(text) uses an add-on detector; approximated with the known face boxes", spec.index)
            }
            let faces = state.mapped(resolver?.faces() ?? [])
            if let first = faces.first {
                let region = all ? faces.dropFirst().reduce(first, union) : largest(faces)
                let side = faces.map { max($0.width, $0.height) }.max() ?? 0
                return .box(region, headroom: Self.faceHeadroom * side)
            }
            return fallbackPlacement(from: text, to: fallback, spec: spec)
        case .custom(let fallback):
            let regions = state.mapped(resolver?.customRegions() ?? [])
            if !regions.isEmpty { return .box(largest(regions)) }
            if fallback == "center" {
                return fallbackPlacement(from: text, to: "center", spec: spec)
            }
            note(
                .info, "gravity-fallback", "g_\(text): no custom coordinates; using g_\(fallback)", spec.index
            )
            return resolvePlacement(fallback, spec: spec)
        case .auto:
            let focal = text.split(separator: ":").dropFirst().map(String.init)
            let keepsDetection = focal.contains {
                $0 == "custom_no_override" || $0 == "none" || $0.hasPrefix("aoi")
            }
            let regions = state.mapped(resolver?.customRegions() ?? [])
            if !keepsDetection, !regions.isEmpty {
                note(
                    .info, "custom-overrides-auto", "custom coordinates override g_\(text) (as g_custom)",
                    spec.index)
                return .box(largest(regions))
            }
            // An area of interest names the region itself: the window is centred on it.
            if let aoi = focal.first(where: { $0.hasPrefix("aoi_") }) {
                let numbers = aoi.dropFirst(4).split(separator: "_", omittingEmptySubsequences: false).map { Int($0) }
                if numbers.count == 4, let x = numbers[0], let y = numbers[1], let w = numbers[2], let h = numbers[3], w > 0, h > 0,
                   let region = state.mapped([Rect(x, y, w, h)]).first {
                    note(.info, "area-of-interest",
                         "g_\(text): the window is centred on the area of interest (Cloudinary's detection inside it is not available locally)",
                         spec.index)
                    return .box(region)
                }
                note(.warning, "not-supported-locally",
                     "g_\(text): \(aoi) is not an area inside the image (aoi_<x>_<y>_<w>_<h> in source pixels); placed as g_auto",
                     spec.index)
            }
            // What only Cloudinary's detection uses (objects, `_avoid`, the classic algorithm, a
            // thumb's aggressiveness): said, not silently dropped.
            let used: Set<String> = ["face", "faces", "subject", "custom_no_override", "none"]
            let unused = focal.filter { !used.contains($0) && !$0.hasPrefix("aoi_") }
            if !unused.isEmpty {
                note(.warning, "not-supported-locally",
                     "g_\(text): \(unused.joined(separator: ", ")) not used locally (object detection, the classic "
                        + "algorithm and thumb aggressiveness are Cloudinary's); the window follows saliency and faces",
                     spec.index)
            }
            return .auto(text)
        case .xyCenter:
            let x = Double(spec.x?.pixels(side: state.size.width) ?? state.size.width / 2)
            let y = Double(spec.y?.pixels(side: state.size.height) ?? state.size.height / 2)
            return .box(RealRect(minX: x, minY: y, maxX: x, maxY: y))
        case .liquid:
            return .compass(.center)
        case .other(let name):
            note(
                .warning, "not-supported-locally",
                "g_\(name) needs detection not available locally; using center", spec.index)
            return .compass(.center)
        }
    }

    private mutating func fallbackPlacement(from text: String, to fallback: String, spec: GeometryComponentSpec)
        -> GravityPlacement
    {
        note(
            .info, "gravity-fallback",
            "g_\(text): nothing known to centre on; using the documented fallback \(fallback)", spec.index)
        if fallback == "auto" { return .auto("auto") }
        return .compass(CompassGravity(rawValue: fallback) ?? .center)
    }

    private func largest(_ rects: [RealRect]) -> RealRect {
        rects.max { $0.width * $0.height < $1.width * $1.height }!
    }

    private func union(_ a: RealRect, _ b: RealRect) -> RealRect {
        RealRect(
            minX: min(a.minX, b.minX), minY: min(a.minY, b.minY), maxX: max(a.maxX, b.maxX),
            maxY: max(a.maxY, b.maxY))
    }

    /// The top-left that centres `size` on `region`, clamped inside the current image.
    func centred(_ size: Size, on region: RealRect) -> Rect {
        let W = state.size.width
        let H = state.size.height
        let cx = (region.minX + region.maxX) / 2
        let cy = (region.minY + region.maxY) / 2
        let x = min(max(GeometryRounding.offset(cx - Double(size.width) / 2), 0), max(0, W - size.width))
        let y = min(max(GeometryRounding.offset(cy - Double(size.height) / 2), 0), max(0, H - size.height))
        return Rect(x, y, min(size.width, W), min(size.height, H))
    }

    /// Places the window of a fill-like mode (fill, lfill, thumb, auto); returns it and whether
    /// its position is known.
    mutating func placeWindow(_ window: Size, spec: GeometryComponentSpec, mode: GeometryMode, box: GeometryBox) -> (
        Rect, Bool
    ) {
        let input = state.size
        switch resolvePlacement(spec.gravity, spec: spec) {
        case .compass(let compass):
            // x/y offsets are not applied by fill-like modes (A7).
            let position = compass.place(window, in: input)
            return (Rect(position.x, position.y, window.width, window.height), true)
        case .box(let region, let headroom):
            var size = window
            if mode == .thumb || mode == .auto, !isPoint(region) {
                let padded = RealRect(minX: region.minX - headroom, minY: region.minY - headroom,
                                      maxX: region.maxX + headroom, maxY: region.maxY + headroom)
                let thumb = thumbWindow(padded, box: box, fill: window, zoom: spec.zoom ?? 1)
                size = mode == .thumb ? thumb : midway(thumb, window, box: box)
            }
            return (centred(size, on: region), true)
        case .auto(let gravity):
            guard
                let answer = automaticWindow(
                    gravity, mode: mode, window: window, output: box.size, zoom: spec.zoom)
            else {
                let position = CompassGravity.center.place(window, in: input)
                return (Rect(position.x, position.y, window.width, window.height), false)
            }
            var size = window
            if mode == .thumb || mode == .auto {
                // A zoomed-in answer keeps its size, corrected to the output's aspect ratio.
                size = aspectCorrected(answer, box: box, fill: window)
            }
            return (centred(size, on: answer), true)
        }
    }

    private func isPoint(_ region: RealRect) -> Bool { region.width == 0 && region.height == 0 }

    /// What a thumbnail around detected faces adds on every side, as a share of the largest
    /// face's side (A11, our reading of the one documented example): in FD's getinfo example
    /// (640×426, `c_thumb,g_face,w_450`) the window is 321 px high for eyes 81 px apart, 3.96
    /// eye distances; a frontal detector's box is about 2.2 of them (ours: 98 px for eyes 45 px
    /// apart on TestImages/people-astronaut.jpg), so the window is about 1.8 boxes high, 0.4 of
    /// a box added above and below. Without it a thumbnail was the bare box, cutting the hair
    /// and the chin. Custom regions are taken as they were drawn.
    static let faceHeadroom = 0.4

    /// thumb around a known box (A11, our reading): the box grown to the output's aspect ratio,
    /// never smaller than the output itself (no zoom-in past 1:1 at z 1), divided by z, and at
    /// most the fill window.
    func thumbWindow(_ region: RealRect, box: GeometryBox, fill: Size, zoom: Double) -> Size {
        let aspect = Double(box.width) / Double(box.height)
        var width = max(region.width, region.height * aspect, Double(box.width))
        width /= zoom
        let height = width / aspect
        if width >= Double(fill.width) || height >= Double(fill.height) { return fill }
        return Size(min(GeometryRounding.pixels(width), fill.width), min(GeometryRounding.pixels(height), fill.height))
    }

    /// c_auto around a known box (our reading of "less aggressive than thumb and more focus than
    /// fill"): halfway between the thumb window and the fill window, same aspect ratio.
    func midway(_ thumb: Size, _ fill: Size, box: GeometryBox) -> Size {
        let width = (Double(thumb.width) + Double(fill.width)) / 2
        let height = (Double(thumb.height) + Double(fill.height)) / 2
        return Size(min(GeometryRounding.pixels(width), fill.width), min(GeometryRounding.pixels(height), fill.height))
    }

    /// A resolver's answer grown on its short side to the output's aspect ratio, at most `fill`.
    private func aspectCorrected(_ answer: RealRect, box: GeometryBox, fill: Size) -> Size {
        let aspect = Double(box.width) / Double(box.height)
        let width = max(answer.width, answer.height * aspect)
        let height = width / aspect
        if width >= Double(fill.width) || height >= Double(fill.height) { return fill }
        return Size(GeometryRounding.pixels(width), GeometryRounding.pixels(height))
    }

    /// Asks the resolver for a g_auto window; the answer in current image pixels, or nil.
    mutating func automaticWindow(
        _ gravity: String, mode: GeometryMode, window: Size, output: Size, zoom: Double?
    ) -> RealRect? {
        guard let resolver else { return nil }
        let visible = state.content?.intersection(state.bounds) ?? state.bounds
        let within =
            state.toSource.boundingBox(visible).intersection(RealRect(Rect(size: upright)))?.rounded
            ?? Rect(size: upright)
        let sourceWindow = state.toSource.boundingBox(RealRect(Rect(size: window))).rounded.size
        let aggressiveness = gravity.split(separator: ":").dropFirst().compactMap { Int($0) }.first
        let request = AutoWindowRequest(
            gravity: gravity, mode: mode.rawValue, within: within, window: sourceWindow, output: output,
            zoom: zoom ?? 1, aggressiveness: aggressiveness)
        guard let answer = resolver.autoWindow(request) else { return nil }
        return state.toSource.inverse.boundingBox(RealRect(answer)).intersection(state.bounds)
    }

    /// c_crop (§2 crop, R9): no scaling; explicit coordinates, a gravity, or a detected box.
    mutating func cropStep(_ spec: GeometryComponentSpec, box: GeometryBox?, input: Size) throws -> GeometryStep? {
        let W = input.width
        let H = input.height
        func step(_ window: Rect, resolved: Bool = true) -> GeometryStep {
            GeometryStep(
                kind: .resize, component: spec.index, mode: GeometryMode.crop.rawValue, gravity: spec.gravity,
                input: input, window: window, windowResolved: resolved)
        }
        if spec.hasSize, spec.zoom != nil {
            note(
                .info, "zoom-ignored", "with c_crop, z has an effect only without w and h (TR > z)",
                spec.index)
        }
        // Explicit coordinates: the window's top-left in the input, intersected with it (R9).
        if spec.gravity == nil, spec.x != nil || spec.y != nil {
            guard let box else {
                note(
                    .warning, "no-size", "c_crop with x/y but without w, h or ar leaves the image unchanged",
                    spec.index)
                return nil
            }
            let requested = Rect(
                spec.x?.pixels(side: W) ?? 0, spec.y?.pixels(side: H) ?? 0, box.width, box.height)
            guard let window = requested.intersection(Rect(size: input)) else {
                throw GeometryError(
                    code: "crop-outside",
                    message: "c_crop window \(requested) lies outside the \(input) image",
                    component: spec.index, key: "x")
            }
            if window != requested {
                note(
                    .warning, "crop-clipped",
                    "c_crop window \(requested) extends beyond the \(input) image; intersected to \(window)",
                    spec.index)
            }
            return step(window)
        }
        let placement = resolvePlacement(spec.gravity, spec: spec)
        var size: Size
        if spec.hasSize, let box {
            size = Size(min(box.width, W), min(box.height, H))
            if box.width > W || box.height > H {
                note(
                    .warning, "crop-clipped",
                    "c_crop \(box.size) is larger than the \(input) image; clipped", spec.index)
            }
        } else if case .box(let region, _) = placement {
            // No dimensions: the detected box (grown to ar if given) divided by z.
            var width = max(region.width, 1)
            var height = max(region.height, 1)
            if let ar = spec.aspectRatio {
                width = max(width, height * ar.value)
                height = width / ar.value
            }
            let zoom = spec.zoom ?? 1
            width /= zoom
            height /= zoom
            let shrink = min(1, Double(W) / width, Double(H) / height)
            size = Size(min(W, GeometryRounding.pixels(width * shrink)), min(H, GeometryRounding.pixels(height * shrink)))
        } else if let box {
            size = box.size
        } else {
            if case .auto = placement {
                note(
                    .warning, "no-size", "c_crop with g_auto needs w, h or ar; the image is left unchanged",
                    spec.index)
            } else {
                note(
                    .info, "no-size",
                    "c_crop without w, h or ar, and nothing detected to crop to: the image is left unchanged",
                    spec.index)
            }
            return nil
        }
        switch placement {
        case .compass(let compass):
            // HO: x/y do not offset a face crop, also when it fell back to a compass position.
            var offsets = (x: spec.x?.pixels(side: W) ?? 0, y: spec.y?.pixels(side: H) ?? 0)
            if let gravity = spec.gravity, case .compass = GravityKind(gravity) {} else if spec.gravity != nil {
                offsets = (0, 0)
            }
            let position = compass.place(size, in: input, x: offsets.x, y: offsets.y)
            return step(Rect(position.x, position.y, size.width, size.height))
        case .box(let region, _):
            if spec.x != nil || spec.y != nil, GravityKind(spec.gravity ?? "") != .xyCenter {
                note(
                    .info, "offsets-ignored", "x/y do not offset a crop centred on a detected box (HO)",
                    spec.index)
            }
            return step(centred(size, on: region))
        case .auto(let gravity):
            if let answer = automaticWindow(gravity, mode: .crop, window: size, output: size, zoom: spec.zoom)
            {
                return step(centred(size, on: answer))
            }
            let position = CompassGravity.center.place(size, in: input)
            return step(Rect(position.x, position.y, size.width, size.height), resolved: false)
        }
    }
}
