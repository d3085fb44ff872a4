import CloudinaryTransform

/// Decides whether the source can be decoded at reduced size, and rewrites the geometry steps
/// for the smaller image.
///
/// It applies when the first real step (after EXIF orientation) is a resize that shrinks the
/// window on both axes, or an explicit crop whose whole output the next step scales down (the
/// planner's `c_crop,…/c_scale,w_…`: the two become one scaled window). The source is then
/// loaded already reduced by the smaller of the two factors (so each axis is still reduced, never
/// enlarged, by the exact resize that follows), and the window is scaled into the reduced
/// image's pixels.
struct ShrinkOnLoad {
    /// The upright size to load the source at.
    var loadSize: Size
    var upright: Size
    var steps: [GeometryStep]
    var firstResize: Int
    /// The first resize's scale (the larger of its two axes).
    var factor: Double = 1
    /// Whether that resize is an explicit crop merged with the scale after it.
    var mergedCrop = false

    /// For a merged crop: the JPEG DCT shrink (2, 4 or 8) that leaves at least half of the
    /// reduction to the resize, as libvips's thumbnail does; nil for a reduction under 4.
    var jpegShrink: Int? {
        let reduction = 1 / factor
        return reduction >= 16 ? 8 : reduction >= 8 ? 4 : reduction >= 4 ? 2 : nil
    }

    /// - Parameter mergeable: Whether a component's crop may be merged with the scale after it
    ///   (false when the component has effects, which apply between the two).
    static func plan(steps: [GeometryStep], upright: Size, mergeable: (Int?) -> Bool = { _ in false }) -> ShrinkOnLoad? {
        var steps = steps
        var index = 0
        if index < steps.count, steps[index].kind == .orientation { index += 1 }
        guard index < steps.count, steps[index].kind == .resize else { return nil }
        var mergedCrop = false
        if index + 1 < steps.count, mergeable(steps[index].component),
           let merged = cropThenScale(steps[index], steps[index + 1]) {
            steps.replaceSubrange(index...(index + 1), with: [merged])
            mergedCrop = true
        }
        let step = steps[index]
        let sx = Double(step.resize.width) / Double(step.window.width)
        let sy = Double(step.resize.height) / Double(step.window.height)
        let factor = max(sx, sy)
        // Worth it only from a real reduction; a 1-px saving costs a second resample.
        guard factor < 0.9 else { return nil }
        let width = max(1, Int((Double(upright.width) * factor).rounded(.up)))
        let height = max(1, Int((Double(upright.height) * factor).rounded(.up)))
        return ShrinkOnLoad(loadSize: Size(width, height), upright: upright, steps: steps, firstResize: index,
                            factor: factor, mergedCrop: mergedCrop)
    }

    /// One step for a pure crop (nothing scaled, padded, turned or flipped) followed by a resize
    /// of its whole output: the crop's window, scaled and placed as the second step says.
    static func cropThenScale(_ crop: GeometryStep, _ next: GeometryStep) -> GeometryStep? {
        guard crop.kind == .resize, crop.resize == crop.window.size, crop.canvas == crop.resize, crop.padding == .zero,
              crop.output == crop.canvas, crop.flip == nil, crop.rotation == 0, crop.windowResolved,
              next.kind == .resize, next.input == crop.output, next.window == Rect(size: next.input)
        else { return nil }
        var merged = next
        merged.input = crop.input
        merged.window = crop.window
        return merged
    }

    /// The steps for a source loaded (upright) at `loaded`: orientation dropped, first window scaled.
    func rescaledSteps(loaded: Size) -> [GeometryStep] {
        var step = steps[firstResize]
        let fx = Double(loaded.width) / Double(upright.width)
        let fy = Double(loaded.height) / Double(upright.height)
        let w = step.window
        var left = Int((Double(w.x) * fx).rounded())
        var top = Int((Double(w.y) * fy).rounded())
        var width = max(1, Int((Double(w.width) * fx).rounded()))
        var height = max(1, Int((Double(w.height) * fy).rounded()))
        width = min(width, loaded.width)
        height = min(height, loaded.height)
        left = min(max(0, left), loaded.width - width)
        top = min(max(0, top), loaded.height - height)
        step.input = loaded
        step.window = Rect(left, top, width, height)
        return [step] + steps[(firstResize + 1)...]
    }
}
