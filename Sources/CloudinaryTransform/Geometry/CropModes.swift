import Foundation

/// The requested box of a component after §1 (R2–R6).
struct GeometryBox: Equatable {
    var width: Int
    var height: Int
    /// Only one of w/h was given (no ar, no fl_ignore_aspect_ratio): the other side was
    /// derived from the input's aspect ratio, and the given one is binding.
    var single: Bool

    var size: Size { Size(width, height) }
}

extension GeometryResolution {
    /// The box of §7: `w&h`, `w&ar`, `h&ar`, one side, or `ar` alone.
    func requestedBox(_ spec: GeometryComponentSpec, input: Size) -> GeometryBox? {
        let W = input.width
        let H = input.height
        let w = spec.width?.pixels(side: W, dpr: dpr)
        let h = spec.height?.pixels(side: H, dpr: dpr)
        switch (w, h, spec.aspectRatio) {
        case (let w?, let h?, _):
            return GeometryBox(width: w, height: h, single: false)
        case (let w?, nil, let ar?):
            return GeometryBox(
                width: w, height: GeometryRounding.pixels(Double(w) * ar.denominator / ar.numerator), single: false)
        case (nil, let h?, let ar?):
            return GeometryBox(
                width: GeometryRounding.pixels(Double(h) * ar.numerator / ar.denominator), height: h, single: false)
        case (let w?, nil, nil):
            if spec.ignoresAspectRatio { return GeometryBox(width: w, height: H, single: false) }
            return GeometryBox(
                width: w, height: GeometryRounding.pixels(Double(w) * Double(H) / Double(W)), single: true)
        case (nil, let h?, nil):
            if spec.ignoresAspectRatio { return GeometryBox(width: W, height: h, single: false) }
            return GeometryBox(
                width: GeometryRounding.pixels(Double(h) * Double(W) / Double(H)), height: h, single: true)
        case (nil, nil, let ar?):
            return GeometryBox(largestWithin: input, aspectRatio: ar)
        case (nil, nil, nil):
            return nil
        }
    }

    /// The resize/crop/pad step of a component, nil when it has none.
    mutating func resizeStep(_ spec: GeometryComponentSpec) throws -> GeometryStep? {
        let input = state.size
        let mode: GeometryMode
        if let given = spec.mode {
            mode = given
        } else if spec.hasSize {
            mode = .scale
        } else {
            if spec.aspectRatio != nil {
                note(.info, "ar-without-mode", "ar without w, h or c has no effect", spec.index)
            }
            return nil
        }
        if mode == .imagga_scale || mode == .imagga_crop {
            note(
                .warning, "not-supported-locally",
                "c_\(mode.rawValue) is decided by the Imagga add-on; not supported locally (the component is left out)",
                spec.index)
            return nil
        }
        let box = requestedBox(spec, input: input)
        if spec.zoom != nil, ![.crop, .thumb, .auto].contains(mode) {
            note(.info, "zoom-ignored", "z applies to c_crop, c_thumb and c_auto only", spec.index)
        }
        if spec.x != nil || spec.y != nil, ![.crop, .pad, .lpad, .mpad].contains(mode),
            GravityKind(spec.gravity ?? "") != .xyCenter
        {
            note(
                .info, "offsets-ignored", "x/y are not applied by c_\(mode.rawValue)", spec.index
            )
        }
        if mode == .crop {
            return try cropStep(spec, box: box, input: input)
        }
        guard let box else {
            note(
                .warning, "no-size", "c_\(mode.rawValue) without w, h or ar leaves the image unchanged",
                spec.index)
            return nil
        }
        func step(
            window: Rect? = nil, resize: Size, padding: Insets = .zero, canvas: Size? = nil,
            background: String? = nil, resolved: Bool = true
        ) -> GeometryStep {
            GeometryStep(
                kind: .resize, component: spec.index, mode: mode.rawValue, gravity: spec.gravity,
                input: input, window: window, resize: resize, padding: padding, canvas: canvas,
                background: background, windowResolved: resolved)
        }
        let W = input.width
        let H = input.height
        let tw = box.width
        let th = box.height
        switch mode {
        case .scale:
            if let gravity = spec.gravity, GravityKind(gravity) != .liquid {
                note(.info, "gravity-ignored", "c_scale takes no gravity but g_liquid", spec.index)
            } else if spec.gravity != nil, W > 0, abs(Int((Double(tw) * Double(H) / Double(W)).rounded()) - th) > 1 {
                // Cloudinary carves seams to change the shape; here the image is stretched.
                note(.warning, "not-supported-locally",
                     "g_liquid (content-aware rescaling) is not available locally: the image is stretched to \(tw)x\(th)",
                     spec.index)
            }
            return step(resize: box.size)
        case .fit:
            ignoreGravity(spec, mode)
            return step(resize: fitted(input, into: box))
        case .limit:
            ignoreGravity(spec, mode)
            return step(resize: W <= tw && H <= th ? input : fitted(input, into: box))
        case .mfit:
            ignoreGravity(spec, mode)
            return step(resize: W >= tw || H >= th ? input : fitted(input, into: box))
        case .pad, .lpad, .mpad:
            let image: Size
            switch mode {
            case .pad: image = fitted(input, into: box)
            case .lpad: image = W <= tw && H <= th ? input : fitted(input, into: box)
            default: image = input
            }
            let canvas = mode == .mpad ? Size(max(tw, W), max(th, H)) : box.size
            var compass = CompassGravity.center
            if let gravity = spec.gravity {
                if case .compass(let given) = GravityKind(gravity) {
                    compass = given
                } else {
                    note(
                        .warning, "gravity-fallback",
                        "c_\(mode.rawValue) places the image by a compass gravity only; g_\(gravity) is taken as center",
                        spec.index)
                }
            }
            let position = compass.place(
                image, in: canvas, x: spec.x?.pixels(side: canvas.width) ?? 0,
                y: spec.y?.pixels(side: canvas.height) ?? 0)
            let padding = Insets(
                left: position.x, top: position.y, right: canvas.width - image.width - position.x,
                bottom: canvas.height - image.height - position.y)
            return step(
                resize: image, padding: padding, canvas: canvas,
                background: padding.isZero ? nil : spec.background)
        case .lfill:
            if tw >= W || th >= H {
                // Fill would upscale: keep pixels 1:1 and crop only the side that overflows (A4).
                let window = Size(min(tw, W), min(th, H))
                let (rect, resolved) = placeWindow(window, spec: spec, mode: mode, box: box)
                return step(window: rect, resize: rect.size, resolved: resolved)
            }
            let (rect, resolved) = placeWindow(fillWindow(input, box), spec: spec, mode: mode, box: box)
            return step(window: rect, resize: box.size, resolved: resolved)
        case .fill, .thumb, .auto:
            if mode == .thumb && spec.gravity == nil {
                note(
                    .warning, "gravity-required", "c_thumb must be given a gravity; using center", spec.index)
            }
            let (rect, resolved) = placeWindow(fillWindow(input, box), spec: spec, mode: mode, box: box)
            return step(window: rect, resize: box.size, resolved: resolved)
        case .fill_pad, .auto_pad:
            guard let gravity = spec.gravity, GravityKind(gravity) == .auto else {
                note(
                    .warning, "gravity-required",
                    "c_\(mode.rawValue) needs g_auto; resolved as c_\(mode == .fill_pad ? "fill" : "auto")",
                    spec.index)
                let (rect, resolved) = placeWindow(
                    fillWindow(input, box), spec: spec, mode: mode == .fill_pad ? .fill : .auto, box: box)
                return step(window: rect, resize: box.size, resolved: resolved)
            }
            let placeholder = fillWindow(input, box)
            let placement = resolvePlacement(gravity, spec: spec)
            if case .box(let region, _) = placement {
                // Custom coordinates override g_auto: the region is kept whole, padded to the box.
                return paddedWindow(region, box: box, background: spec.background, step: step)
            }
            if let answer = automaticWindow(
                gravity, mode: mode, window: placeholder, output: box.size, zoom: spec.zoom)
            {
                return paddedWindow(answer, box: box, background: spec.background, step: step)
            }
            let position = CompassGravity.center.place(placeholder, in: input)
            return step(
                window: Rect(position.x, position.y, placeholder.width, placeholder.height),
                resize: box.size, resolved: false)
        case .crop, .imagga_crop, .imagga_scale:
            return nil
        }
    }

    private mutating func ignoreGravity(_ spec: GeometryComponentSpec, _ mode: GeometryMode) {
        if let gravity = spec.gravity {
            note(
                .info, "gravity-ignored", "c_\(mode.rawValue) takes no gravity; g_\(gravity) ignored",
                spec.index)
        }
    }

    /// fill_pad / auto_pad with a known window: the whole window, fitted into the box and
    /// centred, the rest padded.
    private func paddedWindow(
        _ region: RealRect, box: GeometryBox, background: String?,
        step: (Rect?, Size, Insets, Size?, String?, Bool) -> GeometryStep
    ) -> GeometryStep {
        let window = region.intersection(state.bounds)?.rounded ?? Rect(size: state.size)
        let image = fitted(
            window.size, into: GeometryBox(width: box.width, height: box.height, single: false))
        let position = CompassGravity.center.place(image, in: box.size)
        let padding = Insets(
            left: position.x, top: position.y, right: box.width - image.width - position.x,
            bottom: box.height - image.height - position.y)
        // The padding takes the component's b_ colour, as c_pad's does (it was always white).
        return step(window, image, padding, box.size, padding.isZero ? nil : background, true)
    }

    /// fit (§2): the largest size of the input's aspect ratio inside the box; with one side
    /// given, that side is binding (R2).
    func fitted(_ input: Size, into box: GeometryBox) -> Size {
        if box.single { return box.size }
        let W = input.width
        let H = input.height
        let tw = box.width
        let th = box.height
        if tw * H <= th * W {
            return Size(tw, GeometryRounding.pixels(Double(H) * Double(tw) / Double(W)))
        }
        return Size(GeometryRounding.pixels(Double(W) * Double(th) / Double(H)), th)
    }

    /// fill (§2): the largest window of the box's aspect ratio inside the input (the whole
    /// input when only one side was given).
    func fillWindow(_ input: Size, _ box: GeometryBox) -> Size {
        let W = input.width
        let H = input.height
        let tw = box.width
        let th = box.height
        if box.single { return input }
        if tw * H >= th * W {
            return Size(W, min(H, GeometryRounding.pixels(Double(th) * Double(W) / Double(tw))))
        }
        return Size(min(W, GeometryRounding.pixels(Double(tw) * Double(H) / Double(th))), H)
    }
}

extension GeometryBox {
    /// A3: the largest box of the ratio inside the input.
    init(largestWithin input: Size, aspectRatio ar: GeometryAspectRatio) {
        let W = Double(input.width)
        let H = Double(input.height)
        if ar.value >= W / H {
            self.init(
                width: input.width,
                height: min(input.height, GeometryRounding.pixels(W * ar.denominator / ar.numerator)), single: false)
        } else {
            self.init(
                width: min(input.width, GeometryRounding.pixels(H * ar.numerator / ar.denominator)),
                height: input.height, single: false)
        }
    }
}
